import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_KEY_NAME_LENGTH } from '#csms/zaptec-profile';

/** Body of `POST /api/v1/chargers/:id/configuration/retry`: which refused keys to try again (absent: all). */
export class RetryRefusedBody {
  @ApiPropertyOptional({ type: [String], example: ['MeterValuesAlignedData'], description: 'Keys the charger refused to try again; absent: every refused key' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_KEY_NAME_LENGTH, { each: true })
  keys?: string[];
}
