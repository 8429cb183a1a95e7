/**
 * A real poison message meets a real consumer (docs/reference/design-decisions.md#poison-messages), the same scenario
 * on the all-in-one process
 * and on NATS + PostgreSQL. The message: a StatusNotification whose `info` holds a NUL character. JSON
 * and the OCPP 1.6 schema allow it (CiString50 is any string of at most 50 characters) and the gateway
 * acknowledges it; PostgreSQL text cannot hold U+0000, so metering's insert fails every time.
 * Expected: the other chargers' statuses of the same batch are stored at once, the poison goes to the
 * dead letters after BUS_MAX_DELIVERIES, /metrics and /health/ready show it, the API lists it, replay
 * hands it to metering again (where it fails again and comes back as a new dead letter: nothing was
 * fixed), DELETE drops it, and after a restart storage still moves and the dead letter stays.
 */
import { expect } from '@jest/globals';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';
import { connectRawCharger, type RawCharger } from './raw-charger.js';

export interface PoisonScenarioTarget {
  ocppUrl: string;
  apiUrl: string;
  /** Where metering's /metrics and /health/ready are served. */
  meteringUrl: string;
}

export const SCENARIO_MAX_DELIVERIES = 3;
const CONSUMER = 'metering-status';

const status = (id: string, connectorId: number, info?: string): unknown[] => [
  2,
  id,
  'StatusNotification',
  { connectorId, errorCode: 'NoError', status: 'Available', timestamp: '2026-11-26T10:00:00Z', ...(info !== undefined ? { info } : {}) },
];

async function connectorStored(apiUrl: string, chargerId: string, connectorId: number): Promise<boolean> {
  const res = await apiClient(apiUrl).get(`/api/v1/chargers/${encodeURIComponent(chargerId)}`);
  return res.status === 200 && (res.body?.connectors ?? []).some((c: { connectorId: number }) => c.connectorId === connectorId);
}

async function deadLetters(apiUrl: string, query = `?consumer=${CONSUMER}`): Promise<{ items: Array<Record<string, unknown>>; total: number }> {
  const res = await apiClient(apiUrl).get(`/api/v1/dead-letters${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

export async function poisonScenario(target: PoisonScenarioTarget, prefix: string): Promise<void> {
  const api = apiClient(target.apiUrl);
  const chargers: RawCharger[] = [];
  for (let i = 0; i < 6; i++) chargers.push(await connectRawCharger(target.ocppUrl, `${prefix}-${i}`));
  // all at once, so the poison shares a batch with innocent statuses
  chargers.forEach((c, i) => c.send(status(`s${i}`, 1, i === 2 ? 'door\u0000open' : undefined)));
  for (const [i, c] of chargers.entries()) expect((await c.reply(`s${i}`))[0]).toBe(3);

  for (const i of [0, 1, 3, 4, 5])
    await eventually(async () => ((await connectorStored(target.apiUrl, `${prefix}-${i}`, 1)) ? true : undefined), `status of ${prefix}-${i} stored`);
  const first = await eventually(
    async () => {
      const page = await deadLetters(target.apiUrl);
      return page.items.find((d) => String(d.subject).includes(`${prefix}-2`));
    },
    'the dead letter',
    60_000,
  );
  expect(first).toMatchObject({ consumer: CONSUMER, attempts: SCENARIO_MAX_DELIVERIES });
  expect(first.subject).toMatch(/StatusNotification$/);
  expect(first.data).toMatchObject({ chargerId: `${prefix}-2`, payload: { info: 'door\u0000open' } });
  expect(String(first.error).length).toBeGreaterThan(0);
  expect(await connectorStored(target.apiUrl, `${prefix}-2`, 1)).toBe(false);

  // a later status of the poisoned charger is stored: nothing waits behind the dead letter
  chargers[2].send(status('after', 2));
  expect((await chargers[2].reply('after'))[0]).toBe(3);
  await eventually(async () => ((await connectorStored(target.apiUrl, `${prefix}-2`, 2)) ? true : undefined), 'a later status of the same charger');

  const meteringMetrics = (await apiClient(target.meteringUrl).get('/metrics')).text;
  expect(meteringMetrics).toMatch(new RegExp(`ocpp_bus_dead_lettered_total\\{[^}]*consumer="${CONSUMER}"[^}]*\\} [1-9]`));
  expect(meteringMetrics).toMatch(new RegExp(`ocpp_bus_redelivered_total\\{[^}]*consumer="${CONSUMER}"[^}]*\\} [1-9]`));
  expect(meteringMetrics).toMatch(new RegExp(`ocpp_bus_consumer_pending\\{[^}]*consumer="${CONSUMER}"[^}]*\\} 0`));
  // readiness is read from the bus at most once a second (bus-metrics.ts consumerReadiness): it shows the dead letter soon, not at once
  const ready = await eventually(async () => {
    const r = await apiClient(target.meteringUrl).get('/health/ready');
    return r.body?.degraded?.includes('deadLetters') ? r : undefined;
  }, 'readiness degraded by the dead letter');
  expect(ready.status).toBe(200);
  expect(ready.body).toMatchObject({ status: 'ready', degraded: ['deadLetters'] });
  expect(ready.body.reasons.deadLetters).toMatch(/dead letter/);

  expect((await api.get(`/api/v1/dead-letters/${String(first.id)}`)).body).toMatchObject({ id: first.id, consumer: CONSUMER });
  expect((await api.get('/api/v1/dead-letters?limit=0')).status).toBe(400);
  expect((await api.get('/api/v1/dead-letters/abc')).status).toBe(400);
  expect((await api.get('/api/v1/dead-letters?consumer=nobody')).body).toMatchObject({ items: [], total: 0 });

  // replay: metering gets it again (only metering), fails again, and it comes back under a new id
  const replay = await api.post(`/api/v1/dead-letters/${String(first.id)}/replay`);
  expect(replay.status).toBe(202);
  expect((await api.get(`/api/v1/dead-letters/${String(first.id)}`)).status).toBe(404);
  // a message that fails alone is dead-lettered only once others went through after it failed (an outage,
  // where everything fails, dead-letters nothing): other chargers keep talking meanwhile, as a fleet does
  let n = 0;
  const again = await eventually(
    async () => {
      chargers[0].send(status(`keep-${++n}`, 1));
      await chargers[0].reply(`keep-${n}`);
      await new Promise((r) => setTimeout(r, 500));
      const page = await deadLetters(target.apiUrl);
      return page.items.find((d) => String(d.subject).includes(`${prefix}-2`) && d.id !== first.id);
    },
    'the replayed message dead-lettered again',
    60_000,
  );
  expect(again).toMatchObject({ consumer: CONSUMER, data: first.data, subject: first.subject });
  expect((await api.post(`/api/v1/dead-letters/${String(first.id)}/replay`)).status).toBe(404);

  expect((await api.delete(`/api/v1/dead-letters/${String(again.id)}`)).status).toBe(204);
  expect((await api.delete(`/api/v1/dead-letters/${String(again.id)}`)).status).toBe(404);
  expect((await deadLetters(target.apiUrl)).items.filter((d) => String(d.subject).includes(`${prefix}-2`))).toEqual([]);
  for (const c of chargers) c.ws.close();
}

/** One more poison beside an innocent status: the innocent is stored, the dead letters grow by one. */
export async function anotherPoison(target: PoisonScenarioTarget, prefix: string, before: number): Promise<void> {
  const c = await connectRawCharger(target.ocppUrl, `${prefix}-r`);
  c.send(status('r1', 1, 'x\u0000'));
  c.send(status('r2', 2));
  expect((await c.reply('r1'))[0]).toBe(3);
  expect((await c.reply('r2'))[0]).toBe(3);
  await eventually(async () => ((await connectorStored(target.apiUrl, `${prefix}-r`, 2)) ? true : undefined), 'the innocent status');
  await eventually(async () => ((await deadLetters(target.apiUrl)).total === before + 1 ? true : undefined), 'one more dead letter', 60_000);
  c.ws.close();
}

/** After a restart: storage moves, the dead letters are what they were (the poison did not come back). */
export async function afterRestart(target: PoisonScenarioTarget, prefix: string, expected: number): Promise<void> {
  const c = await connectRawCharger(target.ocppUrl, `${prefix}-after`);
  c.send(status('a1', 1));
  expect((await c.reply('a1'))[0]).toBe(3);
  await eventually(async () => ((await connectorStored(target.apiUrl, `${prefix}-after`, 1)) ? true : undefined), 'a status after the restart');
  const metrics = await eventually(async () => {
    const text = (await apiClient(target.meteringUrl).get('/metrics')).text;
    return new RegExp(`ocpp_bus_consumer_pending\\{[^}]*consumer="${CONSUMER}"[^}]*\\} 0`).test(text) ? text : undefined;
  }, 'nothing pending for metering-status');
  expect(metrics).not.toMatch(new RegExp(`ocpp_bus_dead_lettered_total\\{[^}]*consumer="${CONSUMER}"[^}]*\\} [1-9]`));
  expect((await deadLetters(target.apiUrl)).total).toBe(expected);
  c.ws.close();
}
