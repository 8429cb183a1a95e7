import { parseCsl, parseInteger } from '#csms/zaptec-profile';

/**
 * What a charger reports about SmartCharging in its configuration (the same GetConfiguration snapshot the desired
 * configuration reads, config_reported). Undefined: not reported yet, so that rule is left to the charger.
 */
export interface ChargerLimits {
  maxStackLevel?: number;
  allowedUnits?: Array<'A' | 'W'>;
  maxPeriods?: number;
  maxInstalled?: number;
}

const UNIT_OF: Readonly<Record<string, 'A' | 'W'>> = { Current: 'A', Power: 'W' };

/** The limits from a charger's reported keys (ChargeProfileMaxStackLevel, ChargingScheduleAllowedChargingRateUnit, ...). */
export function limitsOf(reported: Record<string, string>): ChargerLimits {
  const int = (key: string): number | undefined => (reported[key] === undefined ? undefined : parseInteger(reported[key]));
  const units = reported['ChargingScheduleAllowedChargingRateUnit'];
  const allowedUnits = units === undefined ? undefined : parseCsl(units).flatMap((u) => (UNIT_OF[u] ? [UNIT_OF[u]] : []));
  const out: ChargerLimits = {};
  const maxStackLevel = int('ChargeProfileMaxStackLevel');
  const maxPeriods = int('ChargingScheduleMaxPeriods');
  const maxInstalled = int('MaxChargingProfilesInstalled');
  if (maxStackLevel !== undefined) out.maxStackLevel = maxStackLevel;
  if (allowedUnits !== undefined) out.allowedUnits = allowedUnits;
  if (maxPeriods !== undefined) out.maxPeriods = maxPeriods;
  if (maxInstalled !== undefined) out.maxInstalled = maxInstalled;
  return out;
}
