import { bool, int, key, REQUIRED, str } from './define.js';
import type { KeyDefinition } from './types.js';

/**
 * Zaptec's five keys, exactly as "Zaptec Go OCPP 1.6J Non-standard implementation guide" §1.1-§1.5
 * (docs/reference/zaptec-facts.md#zaptec-configuration-keys) defines them: all required, all RW.
 */
export const ZAPTEC_KEYS: readonly KeyDefinition[] = [
  key(
    'Zaptec',
    'FreeChargingIdTag',
    str(20),
    'RW',
    REQUIRED,
    'idToken used in StartTransaction.req when no other idToken is given; only used when FreeCharging is enabled.',
  ),
  key('Zaptec', 'FreeCharging', bool(), 'RW', REQUIRED, 'Whether the charge point starts charging without idTag authorization.'),
  key(
    'Zaptec',
    'LockCablePermanently',
    bool(),
    'RW',
    REQUIRED,
    'Lock the cable after insertion and act as if permanently attached; while true, UnlockConnectorOnEVSideDisconnect is false and read-only.',
  ),
  key(
    'Zaptec',
    'PowerActiveImportDeltaForEagerMeterValueSample',
    int('W'),
    'RW',
    REQUIRED,
    'Change in Power.Active.Import since the last sample that triggers an immediate Sample.Periodic and resets MeterValueSampleInterval; 0 disables.',
  ),
  // Guide §1.5: "Default: false if not previously set, else true" (see defaultUseAuthorizationKeyWithoutDecoding).
  key(
    'Zaptec',
    'UseAuthorizationKeyWithoutDecoding',
    bool(),
    'RW',
    { required: true, default: 'false' },
    'false: AuthorizationKey is hex-decoded and the bytes are the password; true: the key text is the password.',
  ),
];
