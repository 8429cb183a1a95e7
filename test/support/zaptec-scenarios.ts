/**
 * Zaptec scenarios driven by our simulator (SimulatedCharger), shared by the all-in-one end-to-end tests and the
 * NATS + PostgreSQL infrastructure tests (the same tests pass in both modes). Each takes the endpoints
 * of a running system (a charger URL and an operator API URL) and asserts only through WebSocket and HTTP, plus the
 * simulator's own state (its key store and meter), which is the charger's side of the story.
 */
import { expect } from '@jest/globals';
import { SimulatedCharger, type SentMessage, type SimulatedChargerOptions } from '../../apps/simulator/src/index.js';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';

export interface Endpoints {
  apiUrl: string;
  /** /metrics of the process that runs metering, when the scenario should check its counters. */
  meteringMetricsUrl?: string;
  ocppUrl: string;
}

/** Every simulator a scenario started, so the test file can power them off in afterAll. */
export const startedChargers: SimulatedCharger[] = [];

export async function stopChargers(): Promise<void> {
  for (const c of startedChargers.splice(0)) await c.stop().catch(() => undefined);
}

interface Sim {
  charger: SimulatedCharger;
  /** Every CALL the charger sent, with its answer, in order. */
  sent: SentMessage[];
}

/** A Zaptec Go (factory presets: HeartbeatInterval 86400, MeterValueSampleInterval 0), booted. */
async function bootedGo(env: Endpoints, identity: string, options: Partial<SimulatedChargerOptions> = {}): Promise<Sim> {
  const charger = new SimulatedCharger({ url: `${env.ocppUrl}/ocpp`, identity, model: 'go', reconnectDelayMs: 100, ...options });
  startedChargers.push(charger);
  const sent: SentMessage[] = [];
  charger.on('sent', (m: SentMessage) => sent.push(m));
  const booted = new Promise<void>((r) => charger.once('booted', () => r()));
  charger.start();
  await booted;
  return { charger, sent };
}

/** Waits until the CSMS has read the charger's configuration and shows every desired key in sync. */
async function inSync(env: Endpoints, identity: string): Promise<Record<string, string>> {
  const api = apiClient(env.apiUrl);
  return eventually(async () => {
    const r = await api.get(`/api/v1/chargers/${identity}/configuration`);
    const drift = (r.body?.drift ?? []) as Array<{ state: string }>;
    return r.status === 200 && r.body.reported && drift.length > 0 && drift.every((d) => d.state === 'in-sync')
      ? (r.body.effective as Record<string, string>)
      : undefined;
  }, `${identity} configuration in sync`);
}

function answerOf<T>(sim: Sim, action: string, index = 0): T {
  const found = sim.sent.filter((m) => m.action === action)[index];
  if (!found) throw new Error(`${sim.charger.identity} sent no ${action} #${index}`);
  return found.response as T;
}

async function transactionStarted(sim: Sim): Promise<{ transactionId: number; meterStart: number; idTagStatus: string }> {
  return eventually(async () => {
    const m = sim.sent.find((s) => s.action === 'StartTransaction' && s.response);
    if (!m) return undefined;
    const r = m.response as { transactionId: number; idTagInfo: { status: string } };
    return { transactionId: r.transactionId, meterStart: m.payload.meterStart as number, idTagStatus: r.idTagInfo.status };
  }, `${sim.charger.identity} StartTransaction answered`);
}

async function stopSent(sim: Sim): Promise<{
  meterStop: number;
  timestamp: string;
  transactionData?: Array<{ timestamp: string; sampledValue: Array<{ value: string; measurand?: string; context?: string }> }>;
}> {
  const m = await eventually(
    async () => sim.sent.find((s) => s.action === 'StopTransaction' && s.response),
    `${sim.charger.identity} StopTransaction answered`,
  );
  return m.payload as never;
}

/** The parts of GET /api/v1/transactions/:id these scenarios read. */
interface ReadingView {
  measurand: string;
  context: string;
  timestamp: string;
  valueNum: number | null;
  eager: boolean;
  transactionId: number | null;
}
interface TransactionBody {
  state: string;
  meterStart: number;
  meterStop: number | null;
  energyWh: number | null;
  free: boolean;
  meterAnomaly: string | null;
  stoppedAt: string | null;
  closedBy: string | null;
  meterValues: ReadingView[];
}

/**
 * The transaction once the charger's StopTransaction closed it. Every scenario here sends one. StopTransaction and
 * StatusNotification have their own metering consumers; the status consumer waits for the stop consumer before it
 * reads an Available as a lost transaction, but only up to `rebootInferenceWaitMs` (stop-consumer-drain.ts). On a
 * machine that slow it closes the transaction as 'Reboot' until the StopTransaction replaces that close, so the wait
 * here is for the StopTransaction's close, not any close.
 */
async function closedTransaction(env: Endpoints, id: number, until: (tx: TransactionBody) => boolean = () => true): Promise<TransactionBody> {
  const api = apiClient(env.apiUrl);
  return eventually(async () => {
    const r = await api.get<TransactionBody>(`/api/v1/transactions/${id}`);
    return r.status === 200 && r.body.state === 'closed' && r.body.closedBy === 'StopTransaction' && until(r.body) ? r.body : undefined;
  }, `transaction ${id} closed by its StopTransaction`);
}

async function acceptedTag(env: Endpoints, idTag: string): Promise<void> {
  const r = await apiClient(env.apiUrl).post('/api/v1/id-tags', { idTag, status: 'Accepted' });
  expect([201, 409]).toContain(r.status);
}

/**
 * (a) docs/reference/design-decisions.md#boot-provisioning: a Go booting with 86400 / 0 is brought to its model's
 * interval and sampling right after boot
 * (docs/reference/design-decisions.md#boot-provisioning: the billing defaults live at the Zaptec models' level, not the fleet's).
 */
export async function bootProvisioning(env: Endpoints, identity: string): Promise<void> {
  const level = await apiClient(env.apiUrl).get('/api/v1/models/zaptec-go/configuration');
  expect(level.status).toBe(200);
  const want = level.body.keys as Record<string, string>;
  expect(want.HeartbeatInterval).not.toBe('86400');
  expect(Number(want.MeterValueSampleInterval)).toBeGreaterThan(0);
  const sim = await bootedGo(env, identity);
  // The BootNotification answer already carries the model's heartbeat (docs/reference/design-decisions.md#boot-provisioning).
  expect(answerOf<{ interval: number }>(sim, 'BootNotification').interval).toBe(Number(want.HeartbeatInterval));
  const keys = ['HeartbeatInterval', 'MeterValueSampleInterval', 'MeterValuesSampledData', 'ClockAlignedDataInterval'] as const;
  // "Within seconds of boot": the boot provisioning runs about a second after the BootNotification answer.
  await eventually(
    async () => (keys.every((k) => sim.charger.keys.get(k) === want[k]) ? true : undefined),
    `${identity} key store at the model's values`,
    15_000,
  );
  for (const k of keys) expect(sim.charger.keys.get(k)).toBe(want[k]);
}

/**
 * (b) A Zaptec-style session: free charging and eager samples set through the API, plug in (no Authorize, the
 * FreeChargingIdTag in StartTransaction), a power step larger than the delta (an eager Sample.Periodic), unplug.
 */
export async function freeChargingSession(env: Endpoints, identity: string, freeTag: string): Promise<void> {
  const api = apiClient(env.apiUrl);
  const sim = await bootedGo(env, identity, { powerCurve: [{ atSecond: 0, powerW: 3000 }] });
  await inSync(env, identity);
  const put = await api.put(`/api/v1/chargers/${identity}/configuration`, {
    keys: {
      FreeCharging: 'true',
      FreeChargingIdTag: freeTag,
      PowerActiveImportDeltaForEagerMeterValueSample: '1000',
      MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import',
      StopTxnSampledData: 'Energy.Active.Import.Register',
      MeterValueSampleInterval: '300',
    },
  });
  expect(put.status).toBe(200);
  const eff = await inSync(env, identity);
  expect(eff).toMatchObject({ FreeCharging: 'true', FreeChargingIdTag: freeTag, PowerActiveImportDeltaForEagerMeterValueSample: '1000' });
  expect(sim.charger.keys.get('FreeCharging')).toBe('true');
  expect(sim.charger.keys.get('FreeChargingIdTag')).toBe(freeTag);

  const registerAtPlug = sim.charger.meter.energyWh;
  await sim.charger.plugIn();
  const started = await transactionStarted(sim);
  expect(started.idTagStatus).toBe('Accepted');
  expect(sim.sent.filter((m) => m.action === 'Authorize')).toEqual([]);
  expect(sim.sent.find((m) => m.action === 'StartTransaction')?.payload.idTag).toBe(freeTag);
  expect(started.meterStart).toBe(Math.round(registerAtPlug));
  const samples = (): SentMessage[] => sim.sent.filter((m) => m.action === 'MeterValues' && m.response);
  // The step from 0 W to 3000 W at start is already more than the delta: the charger's first sample.
  await eventually(async () => (samples().length >= 1 ? true : undefined), 'first sample');
  sim.charger.setPowerCurve([{ atSecond: 0, powerW: 11000 }]);
  const eager = await eventually(async () => samples()[1], 'eager sample after the power step');
  const eagerAt = (eager.payload.meterValue as Array<{ timestamp: string }>)[0]!.timestamp;
  await new Promise((r) => setTimeout(r, 1000)); // charge a little at 11 kW
  sim.charger.unplug();
  const stop = await stopSent(sim);
  const registerAfter = sim.charger.meter.energyWh;
  expect(stop.meterStop).toBe(Math.round(registerAfter));

  const tx = await closedTransaction(env, started.transactionId, (t) => t.meterValues.some((m) => m.eager));
  expect(tx).toMatchObject({
    chargerId: identity,
    idTag: freeTag,
    free: true,
    meterStart: started.meterStart,
    meterStop: stop.meterStop,
    stopReason: 'EVDisconnected',
    meterAnomaly: null,
  });
  expect(tx.energyWh).toBe(Math.round(registerAfter) - Math.round(registerAtPlug));
  expect(tx.energyWh).toBeGreaterThan(0);
  const power = tx.meterValues.filter((m) => m.measurand === 'Power.Active.Import' && m.context === 'Sample.Periodic');
  const at = (iso: string): number => Date.parse(iso);
  expect(power.map((m) => ({ at: at(m.timestamp), w: m.valueNum, eager: m.eager }))).toEqual([
    { at: at((samples()[0]!.payload.meterValue as Array<{ timestamp: string }>)[0]!.timestamp), w: 3000, eager: false },
    { at: at(eagerAt), w: 11000, eager: true },
  ]);
  const listed = await api.get(`/api/v1/transactions?chargerId=${identity}&free=true`);
  expect(listed.body.items.map((t: { id: number }) => t.id)).toEqual([started.transactionId]);
}

/**
 * (c) docs/reference/design-decisions.md#driver-authorization: an unknown FreeChargingIdTag starts a transaction only
 * on a charger whose FreeCharging is on.
 */
export async function freeTagOnlyWithFreeCharging(env: Endpoints, freeId: string, otherId: string, freeTag: string): Promise<void> {
  const api = apiClient(env.apiUrl);
  const free = await bootedGo(env, freeId);
  const other = await bootedGo(env, otherId);
  expect((await api.put(`/api/v1/chargers/${freeId}/configuration`, { keys: { FreeCharging: 'true', FreeChargingIdTag: freeTag } })).status).toBe(200);
  await inSync(env, freeId);
  await inSync(env, otherId);
  expect(other.charger.keys.get('FreeCharging')).toBe('false');
  await free.charger.plugIn();
  expect((await transactionStarted(free)).idTagStatus).toBe('Accepted');
  const timestamp = new Date().toISOString();
  const start = (await other.charger.call('StartTransaction', { connectorId: 1, idTag: freeTag, meterStart: 1000, timestamp })) as {
    transactionId: number;
    idTagInfo: { status: string };
  };
  expect(start.idTagInfo.status).toBe('Invalid');
  expect(await other.charger.call('Authorize', { idTag: freeTag })).toEqual({ idTagInfo: { status: 'Invalid' } });
  await other.charger.call('StopTransaction', { transactionId: start.transactionId, meterStop: 1000, timestamp: new Date().toISOString() });
  const tx = await closedTransaction(env, start.transactionId);
  expect(tx.free).toBe(false);
  free.charger.unplug();
}

/**
 * (d) docs/reference/design-decisions.md#metering: a Sample.Periodic after StopTransaction is linked to the closed
 * transaction and changes nothing.
 */
export async function lateSampleAfterStop(env: Endpoints, identity: string, idTag: string): Promise<void> {
  await acceptedTag(env, idTag);
  const sim = await bootedGo(env, identity, { faults: { lateSampleAfterStop: true }, powerCurve: [{ atSecond: 0, powerW: 7400 }] });
  await inSync(env, identity);
  await sim.charger.plugIn(idTag);
  const started = await transactionStarted(sim);
  expect(started.idTagStatus).toBe('Accepted');
  await new Promise((r) => setTimeout(r, 1000));
  sim.charger.unplug();
  const stop = await stopSent(sim);
  const late = await eventually(
    async () =>
      sim.sent.find((m) => m.action === 'MeterValues' && m.response && sim.sent.indexOf(m) > sim.sent.findIndex((s) => s.action === 'StopTransaction')),
    'late sample sent',
  );
  const lateAt = Date.parse((late.payload.meterValue as Array<{ timestamp: string }>)[0]!.timestamp);
  expect(late.payload.transactionId).toBe(started.transactionId);

  const tx = await closedTransaction(env, started.transactionId, (t) =>
    t.meterValues.some((m) => m.context === 'Sample.Periodic' && Date.parse(m.timestamp) === lateAt),
  );
  expect(tx).toMatchObject({ state: 'closed', meterStart: started.meterStart, meterStop: stop.meterStop, energyWh: stop.meterStop - started.meterStart });
  expect(Date.parse(tx.stoppedAt ?? '')).toBe(Date.parse(stop.timestamp));
  const lateReadings = tx.meterValues.filter((m) => m.context === 'Sample.Periodic');
  expect(lateReadings.length).toBeGreaterThan(0);
  for (const m of lateReadings) expect(m.transactionId).toBe(started.transactionId);
  // Never reopened: it is still the charger's only transaction, and closed.
  const list = await apiClient(env.apiUrl).get(`/api/v1/transactions?chargerId=${identity}`);
  expect(list.body.items.map((t: { id: number; state: string }) => [t.id, t.state])).toEqual([[started.transactionId, 'closed']]);
}

/**
 * (e) docs/reference/design-decisions.md#metering: meterStart 2147483647 gives the energy of the register readings and
 * the meterAnomaly flag.
 */
export async function nearInt31Start(env: Endpoints, identity: string, idTag: string): Promise<void> {
  await acceptedTag(env, idTag);
  const sim = await bootedGo(env, identity, { faults: { nearInt31: true }, powerCurve: [{ atSecond: 0, powerW: 11000 }] });
  await inSync(env, identity);
  const registerAtPlug = sim.charger.meter.energyWh;
  await sim.charger.plugIn(idTag);
  const started = await transactionStarted(sim);
  expect(started.meterStart).toBe(2_147_483_647);
  await new Promise((r) => setTimeout(r, 1000));
  sim.charger.unplug();
  const stop = await stopSent(sim);
  const registers = (stop.transactionData ?? []).flatMap((e) =>
    e.sampledValue.filter((v) => (v.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register').map((v) => Number(v.value)),
  );
  expect(registers.length).toBeGreaterThanOrEqual(2);
  const fromRegisters = Math.max(...registers) - Math.min(...registers);
  expect(fromRegisters).toBe(Math.round(sim.charger.meter.energyWh) - Math.round(registerAtPlug));
  const tx = await closedTransaction(env, started.transactionId);
  expect(tx.meterStart).toBe(2_147_483_647);
  expect(tx.energyWh).toBe(fromRegisters);
  expect(tx.meterAnomaly).toEqual(expect.stringContaining('meter-start-out-of-range'));
  // docs/reference/design-decisions.md#metering: counted in metrics (in the all-in-one process the API process is the metering process).
  if (env.meteringMetricsUrl) {
    const metrics = await (await fetch(env.meteringMetricsUrl)).text();
    expect(metrics).toMatch(/metering_transaction_anomalies_total\{[^}]*reason="meter-start-out-of-range"[^}]*\} [1-9]/);
  }
}
