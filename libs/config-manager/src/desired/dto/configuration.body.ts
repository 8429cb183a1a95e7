import { ApiProperty } from '@nestjs/swagger';
import { IsObject, ValidateBy, buildMessage, type ValidationOptions } from 'class-validator';
import { MAX_KEY_NAME_LENGTH, MAX_VALUE_LENGTH } from '#csms/zaptec-profile';

/** At most this many keys in one change (the registry holds fewer than 100 keys). */
export const MAX_KEYS_PER_CHANGE = 200;

function isKeysMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value as Record<string, unknown>);
  // Lengths are checked here only as a bound on the request; the profile names the key and rule for the operator.
  return (
    entries.length <= MAX_KEYS_PER_CHANGE &&
    entries.every(
      ([k, v]) => k.length > 0 && k.length <= MAX_KEY_NAME_LENGTH * 2 && (v === null || (typeof v === 'string' && v.length <= MAX_VALUE_LENGTH * 2)),
    )
  );
}

function IsKeysMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKeysMap',
      validator: {
        validate: isKeysMap,
        defaultMessage: buildMessage(
          (each) => `${each}$property must map key names to OCPP string values ("true", "60") or null (remove the key), at most ${MAX_KEYS_PER_CHANGE} keys`,
          options,
        ),
      },
    },
    options,
  );
}

/** Body of `PUT /api/v1/chargers/:id/configuration`, `/api/v1/groups/:name/configuration`, `/api/v1/configuration`. */
export class ConfigurationBody {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    example: { FreeCharging: 'true', FreeChargingIdTag: 'FREE' },
    description: 'Desired keys as OCPP strings; null removes the key at this level',
  })
  @IsObject()
  @IsKeysMap()
  keys!: Record<string, string | null>;
}
