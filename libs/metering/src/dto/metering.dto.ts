import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

// Query strings arrive as text: 'true'/'false' become booleans, anything else stays and fails IsBoolean.
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

class PageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ListTransactionsQueryDto extends PageQuery {
  @IsOptional() @IsString() @MinLength(1) chargerId?: string;
  @IsOptional() @IsString() @MinLength(1) idTag?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsIn(['open', 'closed']) state?: 'open' | 'closed';
  @IsOptional() @Transform(toBool) @IsBoolean() free?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() orphan?: boolean;
}

export class ChargerMeterValuesQueryDto extends PageQuery {
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsString() @MinLength(1) measurand?: string;
}
