import { subjects, type Bus, type CommandReply, type CommandRequest, type Subscription } from '#csms/bus';

/**
 * A charger on the command subject with its own key store, enforcing Zaptec's rules the way
 * docs/reference/zaptec-facts.md#zaptec-configuration-keys says
 * a Zaptec Go does (deliberately written without the profile, so the profile's mistakes are not hidden):
 * unknown keys NotSupported, read-only keys Rejected, bad values Rejected, LockCablePermanently=true forcing
 * UnlockConnectorOnEVSideDisconnect false and read-only (guide §1.3).
 */
type Kind = 'bool' | 'uint' | 'measurands' | 'idtag';
interface SimKey {
  value: string;
  readonly: boolean;
  kind?: Kind;
}

const MEASURANDS = ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage', 'Temperature', 'Frequency', 'SoC'];

export interface SimOptions {
  model?: 'go' | 'go2' | 'pro';
  /** GetConfigurationMaxKeys: an answer without keys holds only that many (the rest must be asked by name). */
  maxKeys?: number;
  /** Keys answered RebootRequired (value taken only "after a reboot"). */
  rebootRequired?: string[];
  /** Keys this unit keeps read-only although the guide says RW (a quirk the CSMS only learns by Rejected). */
  extraReadOnly?: string[];
}

export interface ChangeSeen {
  key: string;
  value: string;
  status: string;
}

export class SimulatedZaptec {
  readonly store = new Map<string, SimKey>();
  readonly changes: ChangeSeen[] = [];
  readonly gets: Array<string[] | undefined> = [];
  private sub?: Subscription;

  private constructor(
    readonly id: string,
    private readonly options: SimOptions,
  ) {
    const rw = (value: string, kind: Kind): SimKey => ({ value, readonly: false, kind });
    const keys: Record<string, SimKey> = {
      HeartbeatInterval: rw('86400', 'uint'),
      MeterValueSampleInterval: rw('0', 'uint'),
      ClockAlignedDataInterval: rw('0', 'uint'),
      MeterValuesSampledData: rw('Energy.Active.Import.Register', 'measurands'),
      MeterValuesAlignedData: rw('', 'measurands'),
      StopTxnSampledData: rw('', 'measurands'),
      StopTxnAlignedData: rw('', 'measurands'),
      ConnectionTimeOut: rw('30', 'uint'),
      UnlockConnectorOnEVSideDisconnect: rw('true', 'bool'),
      StopTransactionOnInvalidId: rw('true', 'bool'),
      LockCablePermanently: rw('false', 'bool'),
      PowerActiveImportDeltaForEagerMeterValueSample: rw('0', 'uint'),
      UseAuthorizationKeyWithoutDecoding: rw('false', 'bool'),
      NumberOfConnectors: { value: '1', readonly: true },
      SupportedFeatureProfiles: { value: 'Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger', readonly: true },
      GetConfigurationMaxKeys: { value: String(options.maxKeys ?? 100), readonly: true },
    };
    if (options.model !== 'pro') Object.assign(keys, { FreeCharging: rw('false', 'bool'), FreeChargingIdTag: rw('', 'idtag') });
    for (const [k, v] of Object.entries(keys)) this.store.set(k, { ...v, readonly: v.readonly || (options.extraReadOnly ?? []).includes(k) });
  }

  static async start(bus: Bus, id: string, options: SimOptions = {}): Promise<SimulatedZaptec> {
    const sim = new SimulatedZaptec(id, options);
    sim.sub = await bus.serve<CommandRequest, CommandReply>(subjects.command(id), async (req) => sim.handle(req));
    return sim;
  }

  async stop(): Promise<void> {
    await this.sub?.unsubscribe();
    this.sub = undefined;
  }

  value(key: string): string | undefined {
    return this.store.get(key)?.value;
  }

  /** A change made at the charger (installer app, local UI): not through OCPP. */
  setLocally(key: string, value: string): void {
    const k = this.store.get(key);
    if (!k) throw new Error(`no key ${key}`);
    k.value = value;
    this.applyLockRule();
  }

  changesOf(key: string): ChangeSeen[] {
    return this.changes.filter((c) => c.key === key);
  }

  private handle(req: CommandRequest): CommandReply {
    if (req.action === 'GetConfiguration') return { status: 'ok', result: this.getConfiguration((req.payload as { key?: string[] }).key) };
    if (req.action === 'ChangeConfiguration') {
      const { key, value } = req.payload as { key: string; value: string };
      const status = this.change(key, value);
      this.changes.push({ key, value, status });
      return { status: 'ok', result: { status } };
    }
    if (req.action === 'Reset') return { status: 'ok', result: { status: 'Accepted' } };
    return { status: 'callerror', code: 'NotImplemented', description: `${req.action} not simulated`, details: {} };
  }

  private getConfiguration(keys?: string[]): unknown {
    this.gets.push(keys);
    const entry = (k: string, v: SimKey): { key: string; readonly: boolean; value: string } => ({ key: k, readonly: v.readonly, value: v.value });
    if (!keys || keys.length === 0) {
      const all = [...this.store.entries()].map(([k, v]) => entry(k, v));
      return { configurationKey: all.slice(0, this.options.maxKeys ?? all.length) };
    }
    const known = keys.filter((k) => this.store.has(k));
    return { configurationKey: known.map((k) => entry(k, this.store.get(k) as SimKey)), unknownKey: keys.filter((k) => !this.store.has(k)) };
  }

  private change(key: string, value: string): 'Accepted' | 'Rejected' | 'NotSupported' | 'RebootRequired' {
    const k = this.store.get(key);
    if (!k) return 'NotSupported';
    if (k.readonly || !this.valid(k.kind, value)) return 'Rejected';
    if (this.options.rebootRequired?.includes(key)) return 'RebootRequired';
    k.value = value;
    this.applyLockRule();
    return 'Accepted';
  }

  private valid(kind: Kind | undefined, value: string): boolean {
    switch (kind) {
      case 'bool':
        return value === 'true' || value === 'false';
      case 'uint':
        return /^(0|[1-9][0-9]*)$/.test(value);
      case 'idtag':
        return value.length <= 20;
      case 'measurands':
        return value === '' || value.split(',').every((m) => MEASURANDS.includes(m.trim()));
      default:
        return false;
    }
  }

  /** Guide §1.3: "If true, then the UnlockConnectorOnEVSideDisconnect configuration key SHALL be false and read-only." */
  private applyLockRule(): void {
    const unlock = this.store.get('UnlockConnectorOnEVSideDisconnect') as SimKey;
    if (this.store.get('LockCablePermanently')?.value === 'true') {
      unlock.value = 'false';
      unlock.readonly = true;
    } else {
      unlock.readonly = (this.options.extraReadOnly ?? []).includes('UnlockConnectorOnEVSideDisconnect');
    }
  }
}
