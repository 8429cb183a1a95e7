import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiTime, ChargerIdentities } from '#csms/http';
import { CHARGER_MODELS } from '#csms/zaptec-profile';

export const MAX_CAMPAIGN_CHARGERS = 10_000;

/** Exactly one of chargerIds, group, model (the service checks the "exactly one"). */
export class CampaignTargetBody {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ChargerIdentities(MAX_CAMPAIGN_CHARGERS)
  chargerIds?: string[];

  @ApiPropertyOptional({ description: 'A configuration group (its members now)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  group?: string;

  @ApiPropertyOptional({ enum: [...CHARGER_MODELS], description: 'Every charger of this effective model (narrowed by firmwareVersions)' })
  @IsOptional()
  @IsIn([...CHARGER_MODELS])
  model?: string;

  @ApiPropertyOptional({ type: [String], description: 'With model: only chargers that last booted with one of these versions' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  firmwareVersions?: string[];
}

export class RolloutPolicyBody {
  @ApiPropertyOptional({ minimum: 1, description: 'Chargers per wave (set this or maxConcurrent)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CAMPAIGN_CHARGERS)
  waveSize?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Chargers updating at once (set this or waveSize)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CAMPAIGN_CHARGERS)
  maxConcurrent?: number;

  @ApiProperty({ minimum: 0, maximum: 100, description: 'A wave failing more than this percent pauses the campaign' })
  @IsInt()
  @Min(0)
  @Max(100)
  failureThresholdPct!: number;

  @ApiProperty({ minimum: 60, maximum: 604800, description: 'Longest a charger may stay in one state after delivery (s)' })
  @IsInt()
  @Min(60)
  @Max(604_800)
  perChargerTimeoutS!: number;
}

/** Body of `POST /api/v1/firmware-campaigns`. */
export class CreateCampaignBody {
  @ApiProperty({ type: CampaignTargetBody })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignTargetBody)
  target!: CampaignTargetBody;

  @ApiProperty({ description: 'What the next BootNotification must report for success' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  targetVersion!: string;

  @ApiProperty({ description: 'Firmware URI (UpdateFirmware.location)', example: 'https://firmware.example.com/zaptec/go/2.5.0.0.bin' })
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https', 'ftp', 'ftps', 'sftp'] },
    { message: '$property must be an http(s)/ftp(s)/sftp URL' },
  )
  @MaxLength(512)
  location!: string;

  @ApiPropertyOptional({ ...{ format: 'date-time' }, description: 'When chargers retrieve it (default: now)' })
  @IsOptional()
  @ApiTime()
  retrieveDate?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  retries?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400, description: 's' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  retryInterval?: number;

  @ApiProperty({ type: RolloutPolicyBody })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RolloutPolicyBody)
  policy!: RolloutPolicyBody;
}

/** Body of pause, resume and cancel: an optional note for the record (kept in a pause's reason). */
export class CampaignActionBody {
  @ApiPropertyOptional({ maxLength: 200, description: "Why (kept in the campaign's pausedReason for a pause)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  note?: string;
}
