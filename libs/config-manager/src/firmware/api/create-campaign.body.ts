import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBase64,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Matches,
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

/** SignedUpdateFirmware's `firmware` beside location and retrieve time (docs/reference/protocol-notes.md#signed-firmware). */
export class SignedFirmwareBody {
  @ApiProperty({ maxLength: 5500, description: 'PEM certificate the firmware was signed with' })
  @IsString()
  @Matches(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, { message: '$property must be a PEM certificate (BEGIN/END CERTIFICATE)' })
  @MaxLength(5500)
  signingCertificate!: string;

  @ApiProperty({ maxLength: 800, description: 'Base64 signature of the firmware file' })
  @IsString()
  @IsNotEmpty()
  @IsBase64(undefined, { message: '$property must be base64' })
  @MaxLength(800)
  signature!: string;

  @ApiPropertyOptional({ ...{ format: 'date-time' }, description: 'When chargers install it (default: once downloaded and verified)' })
  @IsOptional()
  @ApiTime()
  installDateTime?: string;
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

  @ApiProperty({
    description: 'Firmware URI (UpdateFirmware.location, SignedUpdateFirmware.firmware.location)',
    example: 'https://firmware.example.com/zaptec/go/2.5.0.0.bin',
  })
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

  @ApiPropertyOptional({
    type: SignedFirmwareBody,
    description: 'Send SignedUpdateFirmware (security extension) instead of UpdateFirmware; chargers without it are not-applicable',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SignedFirmwareBody)
  signedFirmware?: SignedFirmwareBody;

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
