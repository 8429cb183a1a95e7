import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { ApiTime, ChargerIdentity, Int32Id, PageLimit, PageOffset, PlainText } from '#csms/http';

// Query strings arrive as text: 'true'/'false' become booleans, anything else stays and fails IsBoolean.
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

class PageQuery {
  @PageLimit() limit?: number;
  @PageOffset() offset?: number;
}

export class ListTransactionsQueryDto extends PageQuery {
  @IsOptional() @ChargerIdentity() chargerId?: string;
  /** IdToken is CiString20. */
  @IsOptional() @PlainText(20) idTag?: string;
  @IsOptional() @ApiTime() from?: string;
  @IsOptional() @ApiTime() to?: string;
  @IsOptional() @IsIn(['open', 'closed']) state?: 'open' | 'closed';
  @IsOptional() @Transform(toBool) @IsBoolean() free?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() orphan?: boolean;
}

export class ChargerMeterValuesQueryDto extends PageQuery {
  @IsOptional() @ApiTime() from?: string;
  @IsOptional() @ApiTime() to?: string;
  @IsOptional() @PlainText(100) measurand?: string;
}

/** `:id` of /api/v1/transactions/:id: transactionId is an OCPP integer (int32 column). */
export class TransactionIdPath {
  @Int32Id() id!: number;
}
