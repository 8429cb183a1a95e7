import { capabilitiesOf, effectiveAccess, getKeyDefinition, parseCsl, type ChargerModel } from '#csms/zaptec-profile';
import type { ApplyOutcome, DesiredScope } from './entities.js';

/** The three levels of desired configuration that apply to one charger. */
export interface DesiredLevels {
  fleet: Record<string, string>;
  group: { name: string; keys: Record<string, string> } | null;
  charger: Record<string, string>;
}

export interface EffectiveConfiguration {
  /** What the charger should hold: fleet < group < charger, later wins. */
  effective: Record<string, string>;
  /** Which level each effective key comes from. */
  source: Record<string, DesiredScope>;
  /** Keys inherited from the fleet or a group that this charger's model does not have: not applied to it. */
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
}

/** The reported values as a plain map (keys reported without a value are left out). */
export function reportedValues(snapshot: ReportedSnapshot | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(snapshot?.keys ?? {})) if (v.value !== null) out[k] = v.value;
  return out;
}

/**
 * Merges the levels for a charger of `model`. A key set at the charger level always stays (validation refuses it
 * with the model's name when the model lacks it, issue 10 §1); a fleet or group key the model lacks (FreeCharging
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
    ['group', levels.group?.keys ?? {}],
    ['charger', levels.charger],
  ];
  for (const [scope, keys] of layers) {
    for (const [key, value] of Object.entries(keys)) {
      effective[key] = value;
      source[key] = scope;
    }
  }
  for (const key of Object.keys(effective)) {
    const def = getKeyDefinition(key);
    if (source[key] !== 'charger' && def && !caps.keys.includes(def.name)) {
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

export type KeyState = 'in-sync' | 'drifted' | 'pending-reboot' | 'pending' | 'unknown';

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
 * Issue 3 §2: a key is drifted when the reported value differs from the effective desired one, or when its last
 * ChangeConfiguration for the current desired value was Rejected/NotSupported; the reason says which.
 */
export function computeDrift(eff: EffectiveConfiguration, snapshot: ReportedSnapshot | null, states: Record<string, ApplyStateView>): KeyDrift[] {
  const values = reportedValues(snapshot);
  return Object.entries(eff.effective).map(([key, desired]): KeyDrift => {
    const rep = snapshot?.keys[key];
    const reported = rep?.value ?? null;
    const st = states[key];
    const current = st && st.desiredValue === desired ? st : undefined;
    const base: KeyDrift = {
      key, desired, source: eff.source[key] ?? 'fleet', reported, state: 'in-sync',
      ...(st ? { lastOutcome: st.outcome, lastOutcomeAt: st.at, ...(st.message ? { lastMessage: st.message } : {}) } : {}),
    };
    if (current && (current.outcome === 'Rejected' || current.outcome === 'NotSupported')) {
      return { ...base, state: 'drifted', reason: `the charger answered ${current.outcome} to ${key}=${desired}${current.message ? ` (${current.message})` : ''}` };
    }
    if (!snapshot) return { ...base, state: 'unknown', reason: 'no configuration reported yet' };
    if (rep && sameValue(key, reported, desired)) return base;
    if (current?.outcome === 'RebootRequired') return { ...base, state: 'pending-reboot', reason: `accepted by the charger, effective after its next reboot` };
    if (current?.outcome === 'pending') return { ...base, state: 'pending', reason: 'being applied' };
    if (!rep) return { ...base, state: 'drifted', reason: `the charger did not report ${key}` };
    let reason = `reported "${reported ?? ''}", desired "${desired}"`;
    if (effectiveAccess(key, values) === 'R') {
      reason += key === 'UnlockConnectorOnEVSideDisconnect' && values['LockCablePermanently'] === 'true'
        ? '; read-only while LockCablePermanently=true, so it is not sent'
        : '; read-only, so it is not sent';
    } else if (current && current.outcome !== 'Accepted') {
      reason += `; last attempt: ${current.outcome}`;
    }
    return { ...base, state: 'drifted', reason };
  });
}
