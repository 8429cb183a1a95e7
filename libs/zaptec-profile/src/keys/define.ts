import type { FeatureProfile, KeyAccess, KeyDefinition, KeyType } from './types.js';

type Options = { required: boolean; default?: string };

/** Small constructors so each key file reads like the specification's tables. */
export function key(profile: FeatureProfile, name: string, type: KeyType, access: KeyAccess, options: Options, description: string): KeyDefinition {
  const def: KeyDefinition = { name, type, access, required: options.required, profile, description };
  if (options.default !== undefined) def.default = options.default;
  return Object.freeze(def);
}

export const bool = (): KeyType => ({ kind: 'boolean' });
export const int = (unit?: string, min = 0, max?: number): KeyType => {
  const t: KeyType = { kind: 'integer', min };
  if (unit !== undefined) t.unit = unit;
  if (max !== undefined) t.max = max;
  return t;
};
export const csl = (members?: readonly string[], maxItems?: number): KeyType => {
  const t: KeyType = { kind: 'csl' };
  if (members !== undefined) t.members = members;
  if (maxItems !== undefined) t.maxItems = maxItems;
  return t;
};
export const str = (maxLength: number): KeyType => ({ kind: 'string', maxLength });

export const REQUIRED: Options = { required: true };
export const OPTIONAL: Options = { required: false };
