import { ManualClock } from '../clock.js';
import { NO_FAULTS } from './faults.js';
import { KeyStore } from './key-store.js';
import { EnergyMeter } from './meter.js';
import { PRESETS } from './presets.js';
import { TransactionController, type ConnectorStatus } from './transactions.js';
import { TransactionMessageQueue, type TxAction } from './tx-queue.js';

interface Sent {
  action: TxAction;
  payload: Record<string, unknown>;
  at: number;
}

function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function rig(keys: Record<string, string> = {}, faults = NO_FAULTS) {
  const clock = new ManualClock();
  const sent: Sent[] = [];
  let online = false;
  let nextId = 500;
  const statuses: ConnectorStatus[] = [];
  const ks = new KeyStore(PRESETS.go2, { overrides: keys });
  const queue = new TransactionMessageQueue({
    clock,
    send: async (action, payload) => {
      sent.push({ action, payload, at: clock.now() });
      return action === 'StartTransaction' ? { transactionId: nextId++, idTagInfo: { status: 'Accepted' } } : {};
    },
    attempts: () => 3,
    retryIntervalMs: () => 1000,
    canSend: () => online,
  });
  const meter = new EnergyMeter(clock, 10_000);
  const tx = new TransactionController({
    clock,
    keys: ks,
    preset: PRESETS.go2,
    faults,
    meter,
    queue,
    setStatus: (s) => statuses.push(s),
    isPlugged: () => true,
    currentLimitA: () => undefined,
    car: { phases: 3, maxCurrentA: 32 },
    onEvent: () => undefined,
  });
  return {
    clock,
    sent,
    queue,
    tx,
    statuses,
    ks,
    setOnline: (o: boolean) => {
      online = o;
      queue.kick();
    },
  };
}

describe('offline transaction message queue', () => {
  it('queues Start, MeterValues and Stop while offline and replays them in order with the id once known', async () => {
    const r = rig({ MeterValueSampleInterval: '60' });
    r.tx.setPowerCurve([{ atSecond: 0, powerW: 3600 }]);
    r.tx.start('TAG');
    r.clock.advance(60_000);
    r.clock.advance(60_000);
    r.tx.stop('EVDisconnected');
    await flush();
    expect(r.sent).toEqual([]);
    expect(r.queue.length).toBe(4);

    r.setOnline(true);
    for (let i = 0; i < 10; i++) await flush();
    expect(r.sent.map((s) => s.action)).toEqual(['StartTransaction', 'MeterValues', 'MeterValues', 'StopTransaction']);
    expect(r.sent.slice(1).map((s) => s.payload.transactionId)).toEqual([500, 500, 500]);
    // 3600 W for 120 s = 120 Wh; readings keep the time they were taken, not the replay time.
    expect(r.sent[3]!.payload).toMatchObject({ meterStop: 10_120, reason: 'EVDisconnected', timestamp: '2025-01-01T00:02:00.000Z' });
    expect(r.sent[0]!.payload).toMatchObject({ meterStart: 10_000, timestamp: '2025-01-01T00:00:00.000Z' });
  });

  it('a CALLERROR is retried after TransactionMessageRetryInterval and dropped after the attempts', async () => {
    const clock = new ManualClock();
    const tries: string[] = [];
    let dropped = 0;
    const q = new TransactionMessageQueue({
      clock,
      send: async (action) => {
        tries.push(action);
        if (action === 'MeterValues') throw Object.assign(new Error('boom'), { rpcErrorCode: 'InternalError' });
        return {};
      },
      attempts: () => 2,
      retryIntervalMs: () => 1000,
      canSend: () => true,
      onDropped: () => dropped++,
    });
    q.enqueue({ action: 'MeterValues', localTxId: 1, build: () => ({}) });
    q.enqueue({ action: 'StopTransaction', localTxId: 1, build: (id) => ({ transactionId: id(1) }) });
    await flush();
    expect(tries).toEqual(['MeterValues']);
    clock.advance(1000);
    for (let i = 0; i < 5; i++) await flush();
    expect(tries).toEqual(['MeterValues', 'MeterValues', 'StopTransaction']);
    expect(dropped).toBe(1);
  });
});

describe('eager samples (PowerActiveImportDeltaForEagerMeterValueSample)', () => {
  it('sends a Sample.Periodic at once when power moves more than the delta, and restarts the interval', async () => {
    const r = rig({ MeterValueSampleInterval: '600', PowerActiveImportDeltaForEagerMeterValueSample: '500' });
    r.setOnline(true);
    r.tx.setPowerCurve([
      { atSecond: 0, powerW: 7000 }, // > 500 from 0 W: eager at t=0
      { atSecond: 100, powerW: 7400 }, // within delta: nothing
      { atSecond: 200, powerW: 3000 }, // eager at t=200; interval restarts -> next periodic at 800
    ]);
    r.tx.start('TAG');
    r.clock.advance(799_000);
    r.clock.advance(1000);
    r.tx.stop('Local');
    for (let i = 0; i < 20; i++) await flush();
    const mv = r.sent.filter((s) => s.action === 'MeterValues');
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const taken = mv.map((s) => (Date.parse((s.payload.meterValue as Array<{ timestamp: string }>)[0]!.timestamp) - t0) / 1000);
    expect(taken).toEqual([0, 200, 800]);
    const power = mv.map(
      (s) =>
        (s.payload.meterValue as Array<{ sampledValue: Array<{ measurand: string; value: string }> }>)
          .flatMap((e) => e.sampledValue)
          .find((v) => v.measurand === 'Power.Active.Import')!.value,
    );
    expect(power).toEqual(['7000', '3000', '3000']);
    const ctx = (mv[0]!.payload.meterValue as Array<{ sampledValue: Array<{ context: string }> }>)[0]!.sampledValue[0]!.context;
    expect(ctx).toBe('Sample.Periodic');
  });

  it('is off when the delta is 0', async () => {
    const r = rig({ MeterValueSampleInterval: '0' });
    r.setOnline(true);
    r.tx.setPowerCurve([
      { atSecond: 0, powerW: 7000 },
      { atSecond: 10, powerW: 0 },
    ]);
    r.tx.start('TAG');
    r.clock.advance(60_000);
    r.tx.stop('Local');
    for (let i = 0; i < 10; i++) await flush();
    expect(r.sent.map((s) => s.action)).toEqual(['StartTransaction', 'StopTransaction']);
  });

  it('late sample fault: one Sample.Periodic after StopTransaction', async () => {
    const r = rig({}, { ...NO_FAULTS, lateSampleAfterStop: true, nearInt31: true, registerOffsetWh: 1000 });
    r.setOnline(true);
    r.tx.start('TAG');
    r.clock.advance(60_000);
    r.tx.stop('Local');
    for (let i = 0; i < 10; i++) await flush();
    expect(r.sent.map((s) => s.action)).toEqual(['StartTransaction', 'StopTransaction', 'MeterValues']);
    expect(r.sent[0]!.payload.meterStart).toBe(2_147_483_647);
    expect(r.sent[1]!.payload.meterStop).toBe(10_000 + 1000 + Math.round(7400 / 60));
    expect(r.sent[2]!.payload.transactionId).toBe(500);
  });
});
