import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { MAX_OFFSET, PageLimit, PageOffset } from '#csms/http';
import { MAX_PAGE_SIZE } from '../registry/registry.service.js';

/** Query of `GET /api/v1/chargers`. */
export class ListChargersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @PageLimit(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @PageOffset()
  offset?: number;

  @ApiPropertyOptional({ description: 'true: only connected chargers; false: only disconnected ones' })
  @IsOptional()
  // Query strings are text: map only the two exact spellings, anything else stays a string and fails IsBoolean.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  connected?: boolean;
}
