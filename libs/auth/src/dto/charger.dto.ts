import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { REGISTRATION_STATES, type RegistrationState, type SecurityProfile } from '../charger-registry.service.rows.js';

/** No CTL (RFC 5234) anywhere; no ':' in an identity, because it is the Basic Auth user-id (RFC 7617 §2). */
const IDENTITY = /^[^:\x00-\x1f\x7f]+$/;
const NO_CTL = /^[^\x00-\x1f\x7f]+$/;

export class RegisterChargerDto {
  @ApiProperty({ minLength: 1, maxLength: 48, pattern: IDENTITY.source, description: 'Charge point identity' })
  @IsString()
  @Length(1, 48)
  @Matches(IDENTITY, { message: 'id must not contain ":" or control characters' })
  id!: string;

  @ApiProperty({
    type: 'integer',
    enum: [0, 1, 2, 3],
    description: 'OCPP security profile: 0 none, 1 Basic Auth, 2 TLS + Basic Auth, 3 TLS client certificate',
  })
  @IsInt()
  @Min(0)
  @Max(3)
  securityProfile!: SecurityProfile;

  /** The Basic Auth password text as the charger sends it; generated (and returned once) when absent. */
  @ApiPropertyOptional({ minLength: 8, maxLength: 64, description: 'Basic Auth password as the charger sends it; generated (and returned once) when absent' })
  @IsOptional()
  @IsString()
  @Length(8, 64)
  @Matches(NO_CTL, { message: 'password must not contain control characters (RFC 7617)' })
  password?: string;

  @ApiPropertyOptional({ description: 'The charger uses the AuthorizationKey text as the password, without hex decoding' })
  @IsOptional()
  @IsBoolean()
  useAuthorizationKeyWithoutDecoding?: boolean;
}

export class RotateAuthorizationKeyDto {
  /** Optional: generated when absent. Validated by auth for the charger's decoding mode (422 with the reason). */
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: "The new AuthorizationKey; generated when absent (422 when it does not suit the charger's decoding mode)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  key?: string;
}

export class SetRegistrationDto {
  @ApiProperty({ enum: REGISTRATION_STATES })
  @IsIn(REGISTRATION_STATES)
  state!: RegistrationState;
}
