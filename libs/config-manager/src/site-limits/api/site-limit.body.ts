import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { MIN_CHARGING_A } from '../allocator.js';
import { MAX_SITE_LIMIT_A } from '../site-limits.service.js';

/** Body of `PUT /api/v1/groups/:name/site-limit`. */
export class SiteLimitBody {
  @ApiProperty({ minimum: MIN_CHARGING_A, maximum: MAX_SITE_LIMIT_A, description: 'Amperes per phase for the whole group (the fuse), 0.1 A steps' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 }, { message: '$property must be a number of amperes with at most one decimal' })
  @Min(MIN_CHARGING_A)
  @Max(MAX_SITE_LIMIT_A)
  limitA!: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440, default: 15, description: 'Minutes a car charges before a waiting car takes its place' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  rotationMinutes?: number;
}
