// The charger's link to the CSMS: one ocpp-rpc RPCClient per connection (reconnect policy is the charger's own:
// reboot, offline windows, rekey, fault injection), BootNotification until Accepted, Heartbeat timer.
import type { Clock, TimerHandle } from '../clock.js';
import type { RpcClient } from '../ocpp-rpc.js';
import { OCPP16, RPCClient } from '../rpc.js';
import type { Faults } from './faults.js';
import type { KeyStore } from './key-store.js';
import type { ModelPreset } from './presets.js';
import type { ChargerStats } from './stats.js';

export type ChargerState = 'idle' | 'connecting' | 'connected' | 'booted' | 'offline' | 'stopped';

export interface SentMessage {
  action: string;
  payload: Record<string, unknown>;
  response?: unknown;
  error?: unknown;
}

export interface LinkOptions {
  url: string;
  identity: string;
  localAddress?: string;
  callTimeoutMs?: number;
  reconnectDelayMs?: number;
  bootRetrySeconds?: number;
}

export interface LinkHost {
  clock: Clock;
  keys: KeyStore;
  preset: ModelPreset;
  faults: Faults;
  stats: ChargerStats;
  registerHandlers(client: RpcClient): void;
  onState(state: ChargerState): void;
  onSent(message: SentMessage): void;
  onConnectError(error: unknown): void;
  onBooted(): void;
  /** The version the BootNotification reports (changes after a firmware update). */
  firmwareVersion(): string;
}

export class ChargerLink {
  private client: RpcClient | undefined;
  private stateValue: ChargerState = 'idle';
  private running = false;
  /** Set while rebooting / network-dropped: no reconnect attempts. */
  offlineUntilResumed = false;
  private closingOnPurpose = false;
  private heartbeatTimer: TimerHandle | undefined;
  private bootTimer: TimerHandle | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private reconnectDelay: number;

  constructor(
    private readonly opts: LinkOptions,
    private readonly host: LinkHost,
  ) {
    this.reconnectDelay = opts.reconnectDelayMs ?? 1000;
  }

  get state(): ChargerState {
    return this.stateValue;
  }
  get isRunning(): boolean {
    return this.running;
  }

  private setState(s: ChargerState): void {
    if (this.stateValue === s) return;
    this.stateValue = s;
    this.host.onState(s);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearLinkTimers();
    this.host.clock.clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = undefined;
    this.setState('stopped');
    if (c) await c.close({ code: 1000, force: false }).catch(() => undefined);
  }

  async connect(): Promise<void> {
    if (!this.running || this.offlineUntilResumed) return;
    this.setState('connecting');
    const { keys, stats } = this.host;
    const client = new RPCClient({
      endpoint: this.opts.url,
      identity: this.opts.identity,
      protocols: [OCPP16],
      strictMode: true,
      reconnect: false,
      password: keys.getPassword(),
      callTimeoutMs: this.opts.callTimeoutMs ?? 30_000,
      pingIntervalMs: keys.getInt('WebSocketPingInterval') * 1000,
      ...(this.opts.localAddress ? { wsOpts: { localAddress: this.opts.localAddress } } : {}),
    });
    this.host.registerHandlers(client);
    client.on('strictValidationFailure', () => stats.errors++);
    client.on('badMessage', () => stats.errors++);
    client.on('close', (ev: { code: number }) => this.onClosed(client, ev.code));
    this.client = client;
    try {
      await client.connect();
    } catch (e) {
      stats.errors++;
      stats.connectFailures++;
      this.host.onConnectError(e);
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
      return;
    }
    if (this.client !== client) {
      // Superseded while connecting (a reboot's connect after a rekey's, say): a socket nobody uses must not stay
      // open beside the one that replaced it.
      void client.close({ code: 1000, force: true }).catch(() => undefined);
      return;
    }
    stats.connects++;
    this.reconnectDelay = this.opts.reconnectDelayMs ?? 1000;
    this.setState('connected');
    void this.boot(client);
  }

  private onClosed(client: RpcClient, code: number): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.clearLinkTimers();
    if (!this.running) return;
    this.setState('offline');
    this.host.stats.disconnects++;
    if (this.closingOnPurpose) {
      this.closingOnPurpose = false;
      return; // reboot / network drop / rekey reconnect on their own
    }
    // Go (docs/reference/zaptec-facts.md#reconnect-after-close): may not reconnect when the CSMS closes without
    // completing the close handshake.
    if (this.host.faults.noReconnectAfterUnackedClose && code === 1006) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.offlineUntilResumed) return;
    this.host.clock.clearTimeout(this.reconnectTimer);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, 60_000);
    this.reconnectTimer = this.host.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private clearLinkTimers(): void {
    this.host.clock.clearTimeout(this.heartbeatTimer);
    this.host.clock.clearTimeout(this.bootTimer);
    this.heartbeatTimer = this.bootTimer = undefined;
  }

  /** Closes the socket on purpose (force = no close handshake, like a cut cable); no automatic reconnect. */
  async closeLink(force: boolean): Promise<void> {
    const c = this.client;
    if (!c) return;
    this.closingOnPurpose = true;
    await c.close({ code: 1000, force }).catch(() => undefined);
    if (this.client === c) this.onClosed(c, 1000);
  }

  async call(action: string, payload: Record<string, unknown>): Promise<unknown> {
    const c = this.client;
    if (!c) throw Object.assign(new Error(`${this.opts.identity} is offline`), { code: 'OFFLINE' });
    this.host.stats.sent++;
    try {
      const response = await c.call(action, payload);
      this.host.stats.received++;
      this.host.onSent({ action, payload, response });
      return response;
    } catch (error) {
      this.host.stats.errors++;
      this.host.onSent({ action, payload, error });
      throw error;
    }
  }

  send(action: string, payload: Record<string, unknown>): void {
    if (this.stateValue !== 'booted') return;
    this.call(action, payload).catch(() => undefined);
  }

  reconfigurePing(): void {
    this.client?.reconfigure({ pingIntervalMs: this.host.keys.getInt('WebSocketPingInterval') * 1000 });
  }

  /** TriggerMessage(BootNotification): a new BootNotification on the open link (no reboot). */
  triggerBoot(): void {
    const c = this.client;
    if (c && (this.stateValue === 'booted' || this.stateValue === 'connected')) void this.boot(c);
  }

  private async boot(client: RpcClient): Promise<void> {
    const { preset, clock, keys } = this.host;
    const retry = (seconds: number): void => {
      this.bootTimer = clock.setTimeout(() => void this.boot(client), seconds * 1000);
    };
    let res: { status?: string; interval?: number };
    try {
      res = (await this.call('BootNotification', {
        chargePointVendor: preset.vendor,
        chargePointModel: preset.model,
        chargePointSerialNumber: this.opts.identity,
        chargeBoxSerialNumber: this.opts.identity,
        firmwareVersion: this.host.firmwareVersion(),
      })) as { status?: string; interval?: number };
    } catch {
      if (this.client === client) retry(this.opts.bootRetrySeconds ?? 60);
      return;
    }
    if (this.client !== client) return;
    const interval = typeof res.interval === 'number' ? res.interval : 0;
    if (res.status !== 'Accepted') {
      // Pending/Rejected: retry after `interval` (OCPP 1.6 §4.2); while Pending the CSMS may still configure us.
      retry(interval > 0 ? interval : (this.opts.bootRetrySeconds ?? 60));
      return;
    }
    // The BootNotification interval is the heartbeat interval from now on (OCPP 1.6 §4.2).
    if (interval > 0) keys.change('HeartbeatInterval', String(interval));
    this.host.stats.boots++;
    this.setState('booted');
    this.scheduleHeartbeat();
    this.host.onBooted();
  }

  scheduleHeartbeat(): void {
    const clock = this.host.clock;
    clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    const interval = this.host.keys.getInt('HeartbeatInterval');
    if (interval <= 0 || this.stateValue !== 'booted') return;
    this.heartbeatTimer = clock.setTimeout(() => {
      this.heartbeatTimer = undefined;
      this.send('Heartbeat', {});
      this.scheduleHeartbeat();
    }, interval * 1000);
  }
}
