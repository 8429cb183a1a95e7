import { getKeyDefinition } from './keys/registry.js';
import type { KeyAccess } from './keys/types.js';

/**
 * "a before b" pairs for ChangeConfiguration, one key at a time (docs/reference/design-decisions.md#desired-configuration):
 * - UseAuthorizationKeyWithoutDecoding decides how the charger reads AuthorizationKey
 * (docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding);
 * - LockCablePermanently decides whether UnlockConnectorOnEVSideDisconnect is writable (guide §1.3);
 * - the eager-sample delta and StopTxnSampledData need their measurands already sampled (guide §1.4,
 *   docs/reference/zaptec-facts.md#metering, Go 2); likewise StopTxnAlignedData after MeterValuesAlignedData;
 * - FreeCharging is only switched on once its idTag is there (guide §1.1-§1.2).
 */
const BEFORE: ReadonlyArray<readonly [string, string]> = [
  ['UseAuthorizationKeyWithoutDecoding', 'AuthorizationKey'],
  ['LockCablePermanently', 'UnlockConnectorOnEVSideDisconnect'],
  ['MeterValuesSampledData', 'PowerActiveImportDeltaForEagerMeterValueSample'],
  ['MeterValuesSampledData', 'StopTxnSampledData'],
  ['MeterValuesAlignedData', 'StopTxnAlignedData'],
  ['FreeChargingIdTag', 'FreeCharging'],
];

/**
 * Keys that change how the charger connects go last: a new AuthorizationKey or a raised SecurityProfile can
 * make the charger reconnect (docs/reference/protocol-notes.md#authorizationkey), so every other key is applied first;
 * SecurityProfile last of
 * all, because raising it needs the key already in place.
 */
const LATE_RANK: Readonly<Record<string, number>> = { AuthorizationKey: 1, SecurityProfile: 2 };

/** A stable order for applying keys: input order except where the rules above require otherwise. */
export function orderForApply(keys: string[]): string[] {
  const unique = [...new Set(keys)];
  const canonical = (k: string): string => getKeyDefinition(k)?.name ?? k;
  const rank = (k: string): number => LATE_RANK[canonical(k)] ?? 0;
  const pending = new Set(unique);
  const out: string[] = [];
  while (pending.size > 0) {
    // Kahn's algorithm: among keys with no pending predecessor, the lowest rank, then the earliest in the input.
    const ready = [...pending].filter((k) => !BEFORE.some(([a, b]) => b === canonical(k) && [...pending].some((p) => canonical(p) === a)));
    ready.sort((x, y) => rank(x) - rank(y) || unique.indexOf(x) - unique.indexOf(y));
    const next = ready[0] ?? [...pending][0]!; // the pairs have no cycle; the fallback only guards against one
    pending.delete(next);
    out.push(next);
  }
  return out;
}

/**
 * Access of a key given the charger's current (or about-to-be) values. docs/reference/zaptec-facts.md#lockcablepermanently: while
 * LockCablePermanently is true, UnlockConnectorOnEVSideDisconnect is false and read-only. A key we do not
 * know is taken as RW: the charger decides, and answers Rejected or NotSupported.
 */
export function effectiveAccess(key: string, values: Record<string, string>): KeyAccess {
  const def = getKeyDefinition(key);
  if (!def) return 'RW';
  if (def.name === 'UnlockConnectorOnEVSideDisconnect' && values['LockCablePermanently'] === 'true') return 'R';
  return def.access;
}
