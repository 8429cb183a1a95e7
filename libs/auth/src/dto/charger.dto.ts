import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { REGISTRATION_STATES, type RegistrationState, type SecurityProfile } from '../entities/auth-charger.entity.js';

/** No CTL (RFC 5234) anywhere; no ':' in an identity, because it is the Basic Auth user-id (RFC 7617 §2). */
const IDENTITY = /^[^:\x00-\x1f\x7f]+$/;
const NO_CTL = /^[^\x00-\x1f\x7f]+$/;

export class RegisterChargerDto {
  @IsString()
  @Length(1, 48)
  @Matches(IDENTITY, { message: 'id must not contain ":" or control characters' })
  id!: string;

  @IsInt()
  @Min(0)
  @Max(3)
  securityProfile!: SecurityProfile;

  /** The Basic Auth password text as the charger sends it; generated (and returned once) when absent. */
  @IsOptional()
  @IsString()
  @Length(8, 64)
  @Matches(NO_CTL, { message: 'password must not contain control characters (RFC 7617)' })
  password?: string;

  @IsOptional()
  @IsBoolean()
  useAuthorizationKeyWithoutDecoding?: boolean;
}

export class RotateAuthorizationKeyDto {
  /** Optional: generated when absent. Validated by auth for the charger's decoding mode (422 with the reason). */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  key?: string;
}

export class SetRegistrationDto {
  @IsIn(REGISTRATION_STATES)
  state!: RegistrationState;
}
