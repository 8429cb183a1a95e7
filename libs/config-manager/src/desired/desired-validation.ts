import type { ApiFieldError } from '#csms/http';
import { MODEL_NAMES, validateDesiredConfiguration, type ChargerModel, type ConfigRefusal } from '#csms/zaptec-profile';
import { effectiveFor, type DesiredLevels } from './effective.js';

/** At most this many refusals in one 422: a fleet change can break many chargers the same way. */
const MAX_ERRORS = 100;

export interface ChargerCase {
  chargerId: string | null;
  model: ChargerModel;
  reported: Record<string, string>;
  before: DesiredLevels;
  after: DesiredLevels;
}

const id = (r: ConfigRefusal): string => `${r.key}\u0000${r.rule}\u0000${r.value ?? ''}`;

function refusalsOf(levels: DesiredLevels, c: ChargerCase): ConfigRefusal[] {
  const eff = effectiveFor(levels, c.model, c.reported);
  return validateDesiredConfiguration(eff.effective, { model: c.model, reported: c.reported });
}

/**
 * The profile's refusals a change introduces, per affected charger. Only new refusals count: a configuration
 * that an earlier fact made invalid (a raised SecurityProfile, say) does not block an unrelated change, while
 * anything the change breaks, at its own level or through a rule with another level's key, is refused.
 * `prefix`: name the charger in each message (fleet and group changes reach several).
 */
export function refusalsOfChange(cases: ChargerCase[], prefix: boolean): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const before = new Set(refusalsOf(c.before, c).map(id));
    for (const r of refusalsOf(c.after, c)) {
      if (before.has(id(r))) continue;
      const message = prefix && c.chargerId !== null ? `${c.chargerId} (${MODEL_NAMES[c.model]}): ${r.message}` : r.message;
      const k = `${id(r)}\u0000${message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ key: r.key, value: r.value, rule: r.rule, message });
    }
  }
  return out.slice(0, MAX_ERRORS);
}

/** Bus bodies are not validated by the HTTP pipe when another service calls: the same rules here. */
export function badKeysBody(keys: unknown): ApiFieldError[] {
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    return [{ field: 'keys', rule: 'isObject', message: 'keys must be an object of key name -> OCPP string value (or null to remove)' }];
  }
  const out: ApiFieldError[] = [];
  for (const [k, v] of Object.entries(keys as Record<string, unknown>)) {
    if (v !== null && typeof v !== 'string')
      out.push({ field: `keys.${k}`, key: k, value: v, rule: 'isString', message: `${k}: values are OCPP strings ("true", "60") or null to remove the key` });
  }
  return out;
}
