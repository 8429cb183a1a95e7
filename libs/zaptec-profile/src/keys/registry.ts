import { CORE_KEYS } from './core.js';
import { OTHER_PROFILE_KEYS } from './other-profiles.js';
import { SECURITY_KEYS } from './security.js';
import type { KeyDefinition } from './types.js';
import { ZAPTEC_KEYS } from './zaptec.js';

export const STANDARD_KEYS: readonly KeyDefinition[] = [...CORE_KEYS, ...OTHER_PROFILE_KEYS];

export const KEY_REGISTRY: ReadonlyMap<string, KeyDefinition> = new Map([...STANDARD_KEYS, ...SECURITY_KEYS, ...ZAPTEC_KEYS].map((d) => [d.name, d]));

// ChangeConfiguration.req key is a CiString50: case-insensitive on the wire (OCPP 1.6 §6.8, §7.3).
const BY_LOWER_NAME: ReadonlyMap<string, KeyDefinition> = new Map([...KEY_REGISTRY.values()].map((d) => [d.name.toLowerCase(), d]));

/** The key's definition, matching the name case-insensitively (CiString50); undefined for a key we do not know. */
export function getKeyDefinition(name: string): KeyDefinition | undefined {
  return KEY_REGISTRY.get(name) ?? BY_LOWER_NAME.get(name.toLowerCase());
}
