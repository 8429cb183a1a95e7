import { ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiPropertyOptional({ description: 'Transactions of this charger' }) @IsOptional() @ChargerIdentity() chargerId?: string;
  /** IdToken is CiString20. */
  @ApiPropertyOptional({ description: 'Transactions of this idTag' }) @IsOptional() @PlainText(20) idTag?: string;
  @ApiPropertyOptional({ description: 'Started at or after (stopped, for orphans)' }) @IsOptional() @ApiTime() from?: string;
  @ApiPropertyOptional({ description: 'Started before (stopped, for orphans)' }) @IsOptional() @ApiTime() to?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) state?: 'open' | 'closed';
  @ApiPropertyOptional({ description: 'Only free-charging (true) or paid (false) transactions' }) @IsOptional() @Transform(toBool) @IsBoolean() free?: boolean;
  @ApiPropertyOptional({ description: 'true: StopTransactions for unknown transactionIds instead of transactions' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  orphan?: boolean;
}

export class ChargerMeterValuesQueryDto extends PageQuery {
  @ApiPropertyOptional({ description: 'At or after' }) @IsOptional() @ApiTime() from?: string;
  @ApiPropertyOptional({ description: 'Before' }) @IsOptional() @ApiTime() to?: string;
  @ApiPropertyOptional({ description: 'OCPP measurand, e.g. Power.Active.Import' }) @IsOptional() @PlainText(100) measurand?: string;
}

/** `:id` of /api/v1/transactions/:id: transactionId is an OCPP integer (int32 column). */
export class TransactionIdPath {
  @Int32Id() id!: number;
}
