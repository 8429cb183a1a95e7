import { bool, csl, int, key, OPTIONAL, REQUIRED } from './define.js';
import type { KeyDefinition } from './types.js';

/** OCPP 1.6 edition 2 §9.2 (Local Auth List Management), §9.3 (Reservation), §9.4 (Smart Charging). */
export const OTHER_PROFILE_KEYS: readonly KeyDefinition[] = [
  key('LocalAuthListManagement', 'LocalAuthListEnabled', bool(), 'RW', REQUIRED, 'Whether the local authorization list is used.'),
  key('LocalAuthListManagement', 'LocalAuthListMaxLength', int(), 'R', REQUIRED, 'Maximum number of idTags in the local authorization list.'),
  key('LocalAuthListManagement', 'SendLocalListMaxLength', int(), 'R', REQUIRED, 'Maximum number of idTags in one SendLocalList.req.'),
  key('Reservation', 'ReserveConnectorZeroSupported', bool(), 'R', OPTIONAL, 'Whether a reservation on connector 0 (any connector) is supported.'),
  key('SmartCharging', 'ChargeProfileMaxStackLevel', int(), 'R', REQUIRED, 'Highest stackLevel a charging profile may have.'),
  key(
    'SmartCharging',
    'ChargingScheduleAllowedChargingRateUnit',
    csl(['Current', 'Power'], 2),
    'R',
    REQUIRED,
    'Charging rate units the charge point accepts in a charging schedule.',
  ),
  key('SmartCharging', 'ChargingScheduleMaxPeriods', int(), 'R', REQUIRED, 'Maximum number of periods in one charging schedule.'),
  key(
    'SmartCharging',
    'ConnectorSwitch3to1PhaseSupported',
    bool(),
    'R',
    OPTIONAL,
    'Whether the charge point can switch from 3 to 1 phase during a transaction.',
  ),
  key('SmartCharging', 'MaxChargingProfilesInstalled', int(), 'R', REQUIRED, 'Maximum number of charging profiles installed at one time.'),
];
