/**
 * The load client's configuration store: a Zaptec Go's keys at their defaults (the simulator's catalogue),
 * plus what ChangeConfiguration set. A real charger remembers an Accepted value across reconnects and reports
 * it in GetConfiguration, so a CSMS that reconciles on connect finds nothing to change the second time; a
 * store that forgot would make every reconnect in the storm a first provisioning. Values are not validated
 * (the simulator's KeyStore does that; here the CSMS's own validation is what is under load).
 */
import { keyDefinitionsFor, presetFor, type KeyDefinition } from '../../apps/simulator/src/index.js';

const DEFINITIONS: ReadonlyMap<string, KeyDefinition> = new Map(keyDefinitionsFor(presetFor('go')).map((d) => [d.key, d]));
/** GetConfiguration without keys answers every readable key. */
const READABLE = [...DEFINITIONS.values()].filter((d) => d.access !== 'W').map((d) => d.key);

interface Entry {
  key: string;
  readonly: boolean;
  value: string;
}

export class ChargerKeys {
  /** Only what differs from the defaults: 20k chargers share one catalogue. */
  private changed: Map<string, string> | undefined;

  answer(action: string, payload: unknown): Record<string, unknown> {
    const p = (payload ?? {}) as { key?: unknown; value?: unknown };
    if (action === 'GetConfiguration') return this.get(Array.isArray(p.key) ? p.key.map(String) : undefined);
    if (action === 'ChangeConfiguration') return { status: this.change(String(p.key), String(p.value)) };
    return { status: 'Accepted' };
  }

  private get(keys: string[] | undefined): { configurationKey: Entry[]; unknownKey: string[] } {
    const configurationKey: Entry[] = [];
    const unknownKey: string[] = [];
    for (const key of keys && keys.length > 0 ? keys : READABLE) {
      const def = DEFINITIONS.get(key);
      if (!def || def.access === 'W') unknownKey.push(key);
      else configurationKey.push({ key, readonly: def.access === 'R', value: this.changed?.get(key) ?? def.defaultValue });
    }
    return { configurationKey, unknownKey };
  }

  private change(key: string, value: string): 'Accepted' | 'Rejected' | 'NotSupported' {
    const def = DEFINITIONS.get(key);
    if (!def) return 'NotSupported';
    if (def.access === 'R') return 'Rejected';
    if (def.access === 'W') return 'Accepted'; // AuthorizationKey: write-only, never reported
    (this.changed ??= new Map()).set(key, value);
    return 'Accepted';
  }
}
