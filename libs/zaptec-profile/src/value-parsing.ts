import { MEASURAND_LIST_KEYS } from './keys/measurands.js';
import type { KeyDefinition } from './keys/types.js';
import { refusal, RULES, type ConfigRefusal } from './refusal.js';

/**
 * Integers must be written canonically (no sign on zero, no leading zeros, no '+'): desired and reported values
 * are compared as strings for drift, so "060" would drift forever against a charger reporting "60".
 */
const INTEGER = /^(0|-?[1-9][0-9]*)$/;

/**
 * Upper bound when a key states none: OCPP 1.6 JSON schemas say "integer" without a size, and chargers are
 * embedded devices with 32-bit integers; a larger value is never meaningful for these keys.
 */
export const INT32_MAX = 2147483647;

export function parseBoolean(value: string): boolean | undefined {
  // OCPP 1.6 §9: booleans are "true"/"false". Lower case only, for the same string-comparison reason as INTEGER.
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

export function parseInteger(value: string): number | undefined {
  if (!INTEGER.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Splits a CSL. OCPP 1.6 §9.1.7 writes its own example with spaces ("0.RST, 1.RST"), so items are trimmed. */
export function parseCsl(value: string): string[] {
  if (value.trim() === '') return [];
  return value.split(',').map((item) => item.trim());
}

const PHASE_ROTATION = /^[0-9]+\.(NotApplicable|Unknown|RST|RTS|SRT|STR|TRS|TSR)$/;

/** Checks a value against the key's type only (no access, model or cross-key rules). */
export function validateType(def: KeyDefinition, value: string, range?: { min?: number; max?: number }): ConfigRefusal[] {
  const { name, type } = def;
  switch (type.kind) {
    case 'boolean':
      return parseBoolean(value) === undefined ? [refusal(name, value, RULES.boolean, `${name} must be "true" or "false", not "${value}".`)] : [];
    case 'integer': {
      const n = parseInteger(value);
      if (n === undefined) return [refusal(name, value, RULES.integer, `${name} must be a whole number written in decimal, not "${value}".`)];
      const min = range?.min ?? type.min ?? -INT32_MAX - 1;
      const max = range?.max ?? type.max ?? INT32_MAX;
      if (n < min || n > max) {
        const unit = type.unit ? ` ${type.unit}` : '';
        return [refusal(name, value, RULES.integerRange, `${name} must be between ${min} and ${max}${unit}; ${value} is outside.`)];
      }
      return [];
    }
    case 'string':
      return value.length > type.maxLength
        ? [refusal(name, value, RULES.stringLength, `${name} holds at most ${type.maxLength} characters; this value has ${value.length}.`)]
        : [];
    case 'csl':
      return validateCsl(def, value, type.members, type.maxItems);
  }
}

function validateCsl(def: KeyDefinition, value: string, members?: readonly string[], maxItems?: number): ConfigRefusal[] {
  const name = def.name;
  const items = parseCsl(value);
  if (items.some((item) => item === '')) {
    return [refusal(name, value, RULES.cslFormat, `${name} is a comma-separated list and must not contain an empty item.`)];
  }
  const out: ConfigRefusal[] = [];
  if (members) {
    const unknown = items.filter((item) => !members.includes(item));
    if (unknown.length > 0) {
      // docs/reference/protocol-notes.md#configuration-keys: a measurand list with one unsupported measurand is Rejected as a whole.
      const isMeasurands = MEASURAND_LIST_KEYS.includes(name);
      out.push(
        refusal(
          name,
          value,
          isMeasurands ? RULES.measurandUnknown : RULES.cslMember,
          isMeasurands
            ? `${name} is refused as a whole: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an' : 'are not'} OCPP 1.6 measurand${unknown.length === 1 ? '' : 's'}.`
            : `${name} may only contain ${members.join(', ')}; ${unknown.join(', ')} is not allowed.`,
        ),
      );
    }
  }
  if (name === 'ConnectorPhaseRotation') {
    const bad = items.filter((item) => !PHASE_ROTATION.test(item));
    if (bad.length > 0) {
      out.push(
        refusal(
          name,
          value,
          RULES.connectorPhaseRotationFormat,
          `ConnectorPhaseRotation items are <connectorId>.<NotApplicable|Unknown|RST|RTS|SRT|STR|TRS|TSR> (e.g. 0.RST); ${bad.join(', ')} is not.`,
        ),
      );
    }
  }
  const duplicates = items.filter((item, i) => items.indexOf(item) !== i);
  if (duplicates.length > 0) {
    out.push(refusal(name, value, RULES.cslDuplicate, `${name} lists ${[...new Set(duplicates)].join(', ')} more than once.`));
  }
  if (maxItems !== undefined && items.length > maxItems) {
    out.push(refusal(name, value, RULES.cslMaxItems, `${name} holds at most ${maxItems} items; this value has ${items.length}.`));
  }
  return out;
}
