/**
 * A charger reduced to what fault tests need, on a raw `ws` socket with hand-rolled OCPP-J frames:
 * one outstanding CALL at a time (OCPP-J §4.1.1); a CALL that got a CALLERROR, no answer, or lost its
 * socket is sent again with the SAME messageId, as a real charger retries a queued transaction message;
 * a closed socket is reopened, on the next gateway of the list first (its own is restarting), so a
 * fleet spreads over the gateways that are up.
 */
import { WebSocket } from 'ws';

export interface RawChargerOptions {
  id: string;
  /** Gateway OCPP base URLs (ws://host:port); the first one is tried first. */
  urls: string[];
  /** Pause before a CALL is sent again after a CALLERROR or a lost socket. */
  retryDelayMs?: number;
  /** A CALL without any answer for this long is sent again (same messageId). */
  answerTimeoutMs?: number;
  /** Answer to a CSMS CALL (undefined: never answer); default: GetConfiguration -> no keys, anything else -> Accepted. */
  onCommand?: (action: string, payload: unknown) => Record<string, unknown> | undefined;
}

export interface ChargerCounters {
  connects: number;
  /** Close codes of sockets the server closed (1012 = service restart). */
  closeCodes: number[];
  callErrors: number;
  resentAfterClose: number;
  timeouts: number;
  commandsAnswered: number;
}

type Outcome =
  { kind: 'result'; payload: Record<string, unknown> } | { kind: 'error'; code: string; description: string } | { kind: 'closed' } | { kind: 'timeout' };

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RawCharger {
  readonly counters: ChargerCounters = { connects: 0, closeCodes: [], callErrors: 0, resentAfterClose: 0, timeouts: 0, commandsAnswered: 0 };
  /** Index in `urls` of the gateway the socket is (or was last) on. */
  urlIndex = 0;
  private ws?: WebSocket;
  private open = false;
  private stopped = false;
  private openWaiters: Array<() => void> = [];
  private pending?: { id: string; settle: (o: Outcome) => void };
  private counter = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 8);
  private reconnecting?: Promise<void>;

  constructor(private readonly options: RawChargerOptions) {}

  get id(): string {
    return this.options.id;
  }

  get isOpen(): boolean {
    return this.open;
  }

  get currentUrl(): string {
    return this.options.urls[this.urlIndex];
  }

  /** Opens the first socket (trying every URL in turn until one accepts). */
  async connect(): Promise<void> {
    await this.reconnect(false);
  }

  /** Resolves once a socket is open (waits through a reconnect). */
  ready(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((r) => this.openWaiters.push(r));
  }

  /** Sends a CALL until the CSMS answers it with a CALLRESULT; returns that payload and the messageId used. */
  async call(
    action: string,
    payload: unknown,
    messageId = `${this.prefix}-${++this.counter}`,
  ): Promise<{ messageId: string; result: Record<string, unknown> }> {
    const frame = JSON.stringify([2, messageId, action, payload]);
    for (;;) {
      if (this.stopped) throw new Error(`${this.id}: stopped before ${action} ${messageId} was answered`);
      await this.ready();
      const outcome = await this.exchange(messageId, frame);
      if (outcome.kind === 'result') return { messageId, result: outcome.payload };
      if (outcome.kind === 'error') this.counters.callErrors++;
      else if (outcome.kind === 'closed') this.counters.resentAfterClose++;
      else this.counters.timeouts++;
      await delay(this.options.retryDelayMs ?? 200);
    }
  }

  /** Closes the socket from the charger side (the charger goes offline); `reconnect()` brings it back. */
  async disconnect(): Promise<void> {
    this.stopped = true;
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((r) => {
        ws.once('close', () => r());
        ws.close(1000);
      });
    }
  }

  /** Back online after `disconnect()`. */
  async resume(): Promise<void> {
    this.stopped = false;
    await this.reconnect(false);
  }

  async stop(): Promise<void> {
    await this.disconnect();
  }

  private exchange(id: string, frame: string): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), this.options.answerTimeoutMs ?? 30_000);
      const settle = (o: Outcome): void => {
        clearTimeout(timer);
        if (this.pending?.id === id) this.pending = undefined;
        resolve(o);
      };
      this.pending = { id, settle };
      try {
        this.ws?.send(frame);
      } catch {
        settle({ kind: 'closed' });
      }
    });
  }

  private async reconnect(afterClose: boolean): Promise<void> {
    this.reconnecting ??= (async () => {
      // A socket closed by the server: its gateway is going away, start with one of the others, picked
      // at random as a load balancer spreads new connections (in a rolling update the drained
      // chargers would otherwise all pile onto the next gateway, then the next).
      const n = this.options.urls.length;
      if (afterClose && n > 1) this.urlIndex = (this.urlIndex + 1 + Math.floor(Math.random() * (n - 1))) % n;
      for (let attempt = 0; !this.stopped; attempt++) {
        const index = (this.urlIndex + attempt) % this.options.urls.length;
        if (await this.openSocket(index)) return;
        // Back off with jitter like a fleet does, so reconnects do not come in one burst.
        await delay(Math.min(2_000, 100 * (1 + (attempt >> 1))) * (0.5 + Math.random()));
      }
    })().finally(() => (this.reconnecting = undefined));
    await this.reconnecting;
  }

  private openSocket(index: number): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${this.options.urls[index]}/${this.id}`, ['ocpp1.6']);
      let opened = false;
      ws.once('open', () => {
        opened = true;
        this.ws = ws;
        this.urlIndex = index;
        this.open = true;
        this.counters.connects++;
        for (const w of this.openWaiters.splice(0)) w();
        resolve(true);
      });
      ws.on('message', (data) => this.onMessage(ws, data.toString()));
      ws.on('error', () => undefined);
      ws.once('close', (code) => {
        if (!opened) return resolve(false);
        if (this.ws !== ws) return;
        this.open = false;
        if (code !== 1000 || !this.stopped) this.counters.closeCodes.push(code);
        this.pending?.settle({ kind: 'closed' });
        if (!this.stopped) void this.reconnect(true);
      });
    });
  }

  private onMessage(ws: WebSocket, text: string): void {
    let frame: unknown[];
    try {
      frame = JSON.parse(text) as unknown[];
    } catch {
      return;
    }
    const [type, id] = frame as [number, string];
    if (type === 2) {
      const action = String(frame[2]);
      const answer = this.options.onCommand ? this.options.onCommand(action, frame[3]) : defaultAnswer(action);
      // No answer at all: a charger that hangs in the middle of a command (fault tests).
      if (answer === undefined) return;
      this.counters.commandsAnswered++;
      ws.send(JSON.stringify([3, id, answer]));
      return;
    }
    if (!this.pending || this.pending.id !== id) return;
    if (type === 3) this.pending.settle({ kind: 'result', payload: (frame[2] ?? {}) as Record<string, unknown> });
    else if (type === 4) this.pending.settle({ kind: 'error', code: String(frame[2]), description: String(frame[3]) });
  }
}

export function defaultAnswer(action: string): Record<string, unknown> {
  // Every other command this CSMS sends in these runs (ClearCache, ChangeConfiguration, ...) answers with a status.
  return action === 'GetConfiguration' ? { configurationKey: [], unknownKey: [] } : { status: 'Accepted' };
}
