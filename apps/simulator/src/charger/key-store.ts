// The charger's configuration store, with the ChangeConfiguration / GetConfiguration semantics of a Zaptec
// charger (docs/reference/zaptec-facts.md#zaptec-configuration-keys,
// docs/reference/zaptec-facts.md#what-a-faithful-simulator-does, OCPP 1.6 §9 and
// docs/reference/protocol-notes.md#configuration-keys).
import { passwordFromAuthorizationKey } from './authorization-key.js';
import { keyDefinitionsFor, normaliseValue, type KeyDefinition } from './key-definitions.js';
import type { ModelPreset } from './presets.js';

export type ChangeStatus = 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported';

export interface ChangeResult {
  status: ChangeStatus;
  /** Why it was not accepted (for logs and tests; never sent to the CSMS). */
  reason?: string;
}

export interface ConfigurationEntry {
  key: string;
  readonly: boolean;
  value?: string;
}

export interface GetConfigurationResult {
  configurationKey: ConfigurationEntry[];
  unknownKey: string[];
}

export class KeyStoreError extends Error {
  constructor(
    readonly code: 'TOO_MANY_KEYS' | 'UNKNOWN_KEY' | 'BAD_VALUE',
    message: string,
  ) {
    super(message);
  }
}

export interface KeyStoreOptions {
  /** Initial values (validated like ChangeConfiguration, but read-only keys may be set too). */
  overrides?: Record<string, string>;
  /** Basic Auth password the charger starts with (as if provisioned before). */
  initialPassword?: string | Buffer;
  /** Whether an AuthorizationKey was set before (drives the UseAuthorizationKeyWithoutDecoding default).
   *  Defaults to true when an initial password is given. */
  keyPreviouslySet?: boolean;
  /** The security extension's certificate store keys exist (keyDefinitionsFor). */
  certificateStore?: boolean;
}

export class KeyStore {
  private readonly defs = new Map<string, KeyDefinition>();
  private readonly values = new Map<string, string>();
  private password: Buffer | null;
  private keySetBefore: boolean;
  /** Explicit UseAuthorizationKeyWithoutDecoding; undefined = the default rule applies. */
  private withoutDecodingExplicit: boolean | undefined;
  /** UnlockConnectorOnEVSideDisconnect as it was before LockCablePermanently forced it to false. */
  private unlockBeforeLock: string | undefined;
  private readonly listeners: Array<(key: string, value: string) => void> = [];

  constructor(
    readonly preset: ModelPreset,
    options: KeyStoreOptions = {},
  ) {
    for (const def of keyDefinitionsFor(preset, options.certificateStore)) {
      this.defs.set(def.key, def);
      if (def.access !== 'W') this.values.set(def.key, def.defaultValue);
    }
    this.password = options.initialPassword === undefined ? null : Buffer.from(options.initialPassword);
    this.keySetBefore = options.keyPreviouslySet ?? options.initialPassword !== undefined;
    // A charger provisioned with a password is on profile 1 (Basic Auth over ws).
    if (this.password) this.values.set('SecurityProfile', '1');
    for (const [key, value] of Object.entries(options.overrides ?? {})) {
      const def = this.defs.get(key);
      if (!def) throw new KeyStoreError('UNKNOWN_KEY', `model ${preset.model} has no key ${key}`);
      if (def.access === 'R') {
        const v = normaliseValue(def, value);
        if (v === undefined) throw new KeyStoreError('BAD_VALUE', `bad value for ${key}: ${value}`);
        this.values.set(key, v);
        continue;
      }
      const r = this.change(key, value);
      if (r.status !== 'Accepted') throw new KeyStoreError('BAD_VALUE', `${key}=${value}: ${r.status} (${r.reason ?? ''})`);
    }
  }

  /** Called after an Accepted change (key, normalised value). AuthorizationKey reports '' as its value. */
  onChange(listener: (key: string, value: string) => void): void {
    this.listeners.push(listener);
  }

  has(key: string): boolean {
    return this.defs.has(key);
  }

  get(key: string): string | undefined {
    if (key === 'UseAuthorizationKeyWithoutDecoding') return String(this.withoutDecoding());
    return this.values.get(key);
  }

  getInt(key: string): number {
    return Number(this.get(key) ?? 0);
  }

  getBool(key: string): boolean {
    return this.get(key) === 'true';
  }

  getList(key: string): string[] {
    const v = this.get(key) ?? '';
    return v === '' ? [] : v.split(',');
  }

  /** Basic Auth password bytes, or null when the charger has none (connects without Authorization header). */
  getPassword(): Buffer | null {
    return this.password;
  }

  isReadOnly(key: string): boolean {
    const def = this.defs.get(key);
    if (!def) return false;
    if (def.access === 'R') return true;
    return key === 'UnlockConnectorOnEVSideDisconnect' && this.getBool('LockCablePermanently');
  }

  /** docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding: default false if no key was set before, else true. */
  private withoutDecoding(): boolean {
    return this.withoutDecodingExplicit ?? this.keySetBefore;
  }

  change(key: string, value: string): ChangeResult {
    const def = this.defs.get(key);
    if (!def) return { status: 'NotSupported', reason: 'unknown key' };
    if (this.isReadOnly(key)) return { status: 'Rejected', reason: 'read-only key' };

    if (key === 'AuthorizationKey') {
      const check = passwordFromAuthorizationKey(value, this.withoutDecoding());
      if (!check.ok) return { status: 'Rejected', reason: check.reason };
      this.password = check.password;
      this.keySetBefore = true;
      this.emit(key, '');
      return { status: 'Accepted' };
    }

    const v = normaliseValue(def, value);
    if (v === undefined) return { status: 'Rejected', reason: `invalid ${def.type} value` };

    if (key === 'SecurityProfile') {
      // Security whitepaper: a profile is never lowered. Profile 2 needs TLS, which the simulator does not do.
      const n = Number(v);
      if (n < this.getInt('SecurityProfile')) return { status: 'Rejected', reason: 'profile can only be raised' };
      if (n >= 2) return { status: 'Rejected', reason: 'TLS profiles not simulated' };
      if (n === 1 && !this.password) return { status: 'Rejected', reason: 'profile 1 needs an AuthorizationKey' };
    }
    if (key === 'UseAuthorizationKeyWithoutDecoding') {
      this.withoutDecodingExplicit = v === 'true';
      this.emit(key, v);
      return { status: 'Accepted' };
    }
    if (key === 'LockCablePermanently') {
      const wasLocked = this.getBool('LockCablePermanently');
      if (v === 'true' && !wasLocked) {
        // docs/reference/zaptec-facts.md#lockcablepermanently: UnlockConnectorOnEVSideDisconnect SHALL be false and read-only while locked.
        this.unlockBeforeLock = this.values.get('UnlockConnectorOnEVSideDisconnect');
        this.values.set('UnlockConnectorOnEVSideDisconnect', 'false');
      } else if (v === 'false' && wasLocked) {
        // Clearing restores the value it had before (docs/reference/zaptec-facts.md#lockcablepermanently).
        this.values.set('UnlockConnectorOnEVSideDisconnect', this.unlockBeforeLock ?? 'true');
        this.unlockBeforeLock = undefined;
      }
    }
    this.values.set(key, v);
    this.emit(key, v);
    return { status: 'Accepted' };
  }

  /**
   * GetConfiguration: no keys = every readable key; unknown keys go to unknownKey; AuthorizationKey (write-only)
   * is never returned, not even as unknown. A request naming more keys than GetConfigurationMaxKeys is refused:
   * the CSMS must page its requests.
   */
  getConfiguration(keys?: string[]): GetConfigurationResult {
    const max = this.getInt('GetConfigurationMaxKeys');
    if (keys && keys.length > max) {
      throw new KeyStoreError('TOO_MANY_KEYS', `at most ${max} keys per GetConfiguration (GetConfigurationMaxKeys)`);
    }
    const wanted = keys && keys.length > 0 ? keys : [...this.defs.keys()];
    const configurationKey: ConfigurationEntry[] = [];
    const unknownKey: string[] = [];
    for (const key of wanted) {
      const def = this.defs.get(key);
      if (!def) {
        unknownKey.push(key);
        continue;
      }
      if (def.access === 'W') continue;
      configurationKey.push({ key, readonly: this.isReadOnly(key), value: this.get(key) ?? '' });
    }
    return { configurationKey, unknownKey };
  }

  private emit(key: string, value: string): void {
    for (const l of this.listeners) l(key, value);
  }
}
