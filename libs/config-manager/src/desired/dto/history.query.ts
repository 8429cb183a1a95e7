import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageLimit } from '#csms/http';

/** Query of `GET /api/v1/chargers/:id/configuration/history`. */
export class HistoryQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @PageLimit(1000)
  limit?: number;
}
