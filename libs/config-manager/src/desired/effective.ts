import { capabilitiesOf, effectiveAccess, getKeyDefinition, parseCsl, type ChargerModel } from '#csms/zaptec-profile';
import type { DesiredScope } from './desired-store.rows.js';
import type { ApplyOutcome } from './charger-state.store.rows.js';

/**
 * The four levels of desired configuration that apply to one charger, least specific first
 * (docs/reference/design-decisions.md#desired-configuration).
 */
export interface DesiredLevels {
  fleet: Record<string, string>;
  /** The level of the charger's model (registry: override, else detected at boot). */
  model: { name: ChargerModel; keys: Record<string, string> };
  group: { name: string; keys: Record<string, string> } | null;
  charger: Record<string, string>;
}

export interface EffectiveConfiguration {
  /** What the charger should hold: fleet < model < group < charger, the most specific wins. */
  effective: Record<string, string>;
  /** Which level each effective key comes from. */
  source: Record<string, DesiredScope>;
  /** Keys inherited from the fleet, model or a group that this charger's model does not have: not applied to it. */
  notApplicable: string[];
}

export interface ReportedKey {
  value: string | null;
  readonly: boolean;
}
export interface ReportedSnapshot {
  at: Date;
  keys: Record<string, ReportedKey>;
}

export interface ApplyStateView {
  desiredValue: string;
  outcome: ApplyOutcome;
  at: string;
  message: string | null;
  /** The charger's firmware and model when it answered (null: recorded before refusals were remembered per firmware, or not known). */
  firmwareVersion?: string | null;
  model?: string | null;
}

/** The charger as a refusal is judged against. */
export interface ChargerIdentity {
  model: ChargerModel;
  firmwareVersion: string | null;
}

/**
 * docs/reference/design-decisions.md#refusals-remembered: a Rejected or NotSupported answer holds for the value it was
 * given to, on the firmware and model the
 * charger had then; a new desired value, firmware or model (or an operator's retry, which forgets it) lifts it.
 */
export function refusalHolds(st: ApplyStateView | undefined, value: string, charger: ChargerIdentity): boolean {
  return (
    st !== undefined &&
    (st.outcome === 'Rejected' || st.outcome === 'NotSupported') &&
    st.desiredValue === value &&
    (st.firmwareVersion ?? null) === charger.firmwareVersion &&
    (st.model ?? charger.model) === charger.model
  );
}

/** The reported values as a plain map (keys reported without a value are left out). */
export function reportedValues(snapshot: ReportedSnapshot | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(snapshot?.keys ?? {})) if (v.value !== null) out[k] = v.value;
  return out;
}

/**
 * Merges the levels for a charger of `model`. A key set at the charger level, or at the model's own level, always
 * stays (validation refuses it with the model's name when the model lacks it,
 * docs/reference/design-decisions.md#zaptec-chargers); a fleet or group key the model lacks (FreeCharging
 * on a Pro, Zaptec keys on a generic charger) is simply not applicable to that charger, so one fleet can hold
 * Zaptec keys next to other models.
 */
export function effectiveFor(levels: DesiredLevels, model: ChargerModel, reported: Record<string, string> = {}): EffectiveConfiguration {
  const listed = reported['SupportedFeatureProfiles'];
  const caps = capabilitiesOf(model, listed === undefined ? undefined : parseCsl(listed));
  const effective: Record<string, string> = {};
  const source: Record<string, DesiredScope> = {};
  const notApplicable: string[] = [];
  const layers: Array<[DesiredScope, Record<string, string>]> = [
    ['fleet', levels.fleet],
    ['model', levels.model.keys],
    ['group', levels.group?.keys ?? {}],
    ['charger', levels.charger],
  ];
  for (const [scope, keys] of layers) {
    for (const [key, value] of Object.entries(keys)) {
      effective[key] = value;
      source[key] = scope;
    }
  }
  const modelKeys = capabilitiesOf(model).keys;
  for (const key of Object.keys(effective)) {
    const def = getKeyDefinition(key);
    // A model-level key the model itself lacks stays, like a charger-level one, so validation names it; one that
    // only this charger's SupportedFeatureProfiles rules out is not applicable to this charger.
    const ownLevel = source[key] === 'charger' || (source[key] === 'model' && def !== undefined && !modelKeys.includes(def.name));
    if (!ownLevel && def && !caps.keys.includes(def.name)) {
      notApplicable.push(key);
      delete effective[key];
      delete source[key];
    }
  }
  return { effective, source, notApplicable };
}

/** Whether a reported value means the desired one. Chargers vary in case for booleans and spacing in lists. */
export function sameValue(key: string, a: string | null | undefined, b: string | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  const kind = getKeyDefinition(key)?.type.kind;
  if (kind === 'boolean') return a.trim().toLowerCase() === b.trim().toLowerCase();
  if (kind === 'csl') return parseCsl(a).join(',') === parseCsl(b).join(',');
  return a === b;
}

/** `refused`: the charger answered Rejected/NotSupported to this value on its current firmware (not sent again). */
export type KeyState = 'in-sync' | 'drifted' | 'refused' | 'pending-reboot' | 'pending' | 'unknown';

export interface KeyDrift {
  key: string;
  desired: string;
  source: DesiredScope;
  reported: string | null;
  state: KeyState;
  reason?: string;
  lastOutcome?: ApplyOutcome;
  lastOutcomeAt?: string;
  lastMessage?: string;
}

/**
 * docs/reference/design-decisions.md#desired-configuration: a key is drifted when the reported value differs from the
 * effective desired one; docs/reference/design-decisions.md#refusals-remembered: it is
 * `refused` while the charger's Rejected/NotSupported for the current desired value holds (refusalHolds).
 */
export function computeDrift(
  eff: EffectiveConfiguration,
  snapshot: ReportedSnapshot | null,
  states: Record<string, ApplyStateView>,
  charger: ChargerIdentity,
): KeyDrift[] {
  const values = reportedValues(snapshot);
  return Object.entries(eff.effective).map(([key, desired]): KeyDrift => {
    const rep = snapshot?.keys[key];
    const reported = rep?.value ?? null;
    const st = states[key];
    const current = st && st.desiredValue === desired ? st : undefined;
    const base: KeyDrift = {
      key,
      desired,
      source: eff.source[key] ?? 'fleet',
      reported,
      state: 'in-sync',
      ...(st ? { lastOutcome: st.outcome, lastOutcomeAt: st.at, ...(st.message ? { lastMessage: st.message } : {}) } : {}),
    };
    if (current && refusalHolds(current, desired, charger)) {
      const fw = current.firmwareVersion ? ` on firmware ${current.firmwareVersion}` : '';
      return {
        ...base,
        state: 'refused',
        reason: `refused by the charger: it answered ${current.outcome} to ${key}=${desired}${fw}${current.message ? ` (${current.message})` : ''}; not sent again until the desired value, the firmware or the model changes, or a retry is asked for`,
      };
    }
    if (!snapshot) return { ...base, state: 'unknown', reason: 'no configuration reported yet' };
    if (rep && sameValue(key, reported, desired)) return base;
    if (current?.outcome === 'RebootRequired') return { ...base, state: 'pending-reboot', reason: `accepted by the charger, effective after its next reboot` };
    if (current?.outcome === 'pending') return { ...base, state: 'pending', reason: 'being applied' };
    if (!rep) return { ...base, state: 'drifted', reason: `the charger did not report ${key}` };
    let reason = `reported "${reported ?? ''}", desired "${desired}"`;
    if (effectiveAccess(key, values) === 'R') {
      reason +=
        key === 'UnlockConnectorOnEVSideDisconnect' && values['LockCablePermanently'] === 'true'
          ? '; read-only while LockCablePermanently=true, so it is not sent'
          : '; read-only, so it is not sent';
    } else if (current && current.outcome !== 'Accepted') {
      reason += `; last attempt: ${current.outcome}`;
    }
    return { ...base, state: 'drifted', reason };
  });
}
