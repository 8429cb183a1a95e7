/**
 * A share of the soak fleet in its own process (forked by soak.ts): raw-ws chargers that boot, then send
 * MeterValues and Heartbeats forever, each MeterValues with its own timestamp so the database count per
 * charger can be compared with what the gateways acknowledged. Reports its counters every 250 ms.
 */
import { RawCharger, defaultAnswer } from './raw-charger.js';
import { emptyStats, type WorkerStats } from './worker-stats.js';

export interface WorkerStart {
  type: 'start';
  chargers: Array<{ id: string; urls: string[] }>;
  meterIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Epoch ms of the first reading's timestamp; reading n is at base + n s. */
  base: number;
  connectConcurrency: number;
}

/** Where each open charger is, asked by the soak when a gateway is about to be drained. */
export interface WorkerWhere {
  type: 'where';
  at: Record<string, string>;
}

export interface WorkerFinal {
  type: 'final';
  acked: Record<string, number>;
  stats: WorkerStats;
  /** DataTransfer `data` -> times executed: the probe commands that must run at most once. */
  executed: Record<string, number>;
}

interface Slot {
  charger: RawCharger;
  booted: boolean;
  acked: number;
  heartbeats: number;
}

let stopping = false;
let wakeAll: Array<() => void> = [];
const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      wakeAll = wakeAll.filter((w) => w !== done);
      r();
    }
    wakeAll.push(done);
  });

function meterValues(seq: number, base: number): Record<string, unknown> {
  return {
    connectorId: 1,
    meterValue: [
      {
        timestamp: new Date(base + seq * 1_000).toISOString(),
        sampledValue: [{ value: String(seq * 10), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }],
      },
    ],
  };
}

async function live(slot: Slot, start: WorkerStart): Promise<void> {
  const c = slot.charger;
  await c.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', chargePointSerialNumber: c.id });
  slot.booted = true;
  // Spread over the interval so the fleet does not send in lock-step.
  let nextHeartbeat = Date.now() + Math.random() * start.heartbeatIntervalMs;
  await sleep(Math.random() * start.meterIntervalMs);
  while (!stopping) {
    await c.call('MeterValues', meterValues(slot.acked + 1, start.base));
    slot.acked++;
    if (!stopping && Date.now() >= nextHeartbeat) {
      await c.call('Heartbeat', {});
      slot.heartbeats++;
      nextHeartbeat += start.heartbeatIntervalMs;
    }
    if (!stopping) await sleep(start.meterIntervalMs * (0.8 + 0.4 * Math.random()));
  }
}

function stats(slots: Slot[]): WorkerStats {
  const s = emptyStats(slots.length);
  for (const { charger: c, booted, acked, heartbeats } of slots) {
    if (c.isOpen) {
      s.open++;
      s.perUrl[c.currentUrl] = (s.perUrl[c.currentUrl] ?? 0) + 1;
    }
    if (booted) s.booted++;
    if (c.counters.connects >= 2) s.reconnected++;
    s.meterValuesAcked += acked;
    s.heartbeatsAcked += heartbeats;
    s.callErrors += c.counters.callErrors;
    s.resentAfterClose += c.counters.resentAfterClose;
    s.timeouts += c.counters.timeouts;
    s.commandsAnswered += c.counters.commandsAnswered;
    for (const code of c.counters.closeCodes) s.closeCodes[code] = (s.closeCodes[code] ?? 0) + 1;
  }
  return s;
}

async function run(start: WorkerStart): Promise<void> {
  const executed = new Map<string, number>();
  const onCommand = (action: string, payload: unknown): Record<string, unknown> => {
    const data = action === 'DataTransfer' ? (payload as { data?: unknown }).data : undefined;
    if (typeof data === 'string') executed.set(data, (executed.get(data) ?? 0) + 1);
    return defaultAnswer(action);
  };
  const slots: Slot[] = start.chargers.map((c) => ({
    charger: new RawCharger({ id: c.id, urls: c.urls, retryDelayMs: 500, onCommand }),
    booted: false,
    acked: 0,
    heartbeats: 0,
  }));
  const report = setInterval(() => process.send?.(stats(slots)), 250);
  const lives: Array<Promise<void>> = [];
  // Connect in waves: a fleet switched on at once would be a thundering herd of auth decisions.
  for (let i = 0; i < slots.length; i += start.connectConcurrency) {
    const wave = slots.slice(i, i + start.connectConcurrency);
    await Promise.all(wave.map((s) => s.charger.connect()));
    for (const s of wave) lives.push(live(s, start));
  }
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'where') {
      const where: WorkerWhere = {
        type: 'where',
        at: Object.fromEntries(slots.filter((s) => s.charger.isOpen).map((s) => [s.charger.id, s.charger.currentUrl])),
      };
      process.send?.(where);
      return;
    }
    if (msg.type !== 'stop') return;
    stopping = true;
    for (const w of [...wakeAll]) w();
    // Every CALL in flight is retried until answered, so what is counted as acked is all that was sent.
    void Promise.all(lives).then(async () => {
      clearInterval(report);
      const final: WorkerFinal = {
        type: 'final',
        acked: Object.fromEntries(slots.map((s) => [s.charger.id, s.acked])),
        stats: stats(slots),
        executed: Object.fromEntries(executed),
      };
      await Promise.all(slots.map((s) => s.charger.stop()));
      process.send?.(final, () => process.exit(0));
    });
  });
  process.send?.({ type: 'connected' });
}

process.once('message', (msg: WorkerStart) => {
  if (msg.type === 'start') {
    run(msg).catch((err: unknown) => {
      console.error(`fleet worker: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    });
  }
});
