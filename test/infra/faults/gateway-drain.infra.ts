/**
 * docs/reference/design-decisions.md#deployment, graceful life cycle of the gateway on SIGTERM: it stops taking new sockets (503), answers
 * the CALL a charger already sent, closes every socket with 1012 "service restart" so chargers reconnect
 * elsewhere, and exits 0. The stored fact of that last CALL is not lost.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { WebSocket } from 'ws';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { eventually, startService, type ServiceProcess } from '../../support/processes.js';

jest.setTimeout(180_000);

const SOCKETS = 10;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['ocpp1.6']);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describeInfra('gateway SIGTERM drains its chargers with 1012 and exits 0', () => {
  let nats: NatsServerHandle;
  let db: { url: string; drop(): Promise<void> };
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    db = await createTestDatabase();
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
    for (const app of ['auth', 'config-manager', 'metering'] as const) procs.push(await startService({ app, env }));
  });

  afterAll(async () => {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    await nats?.dispose();
    await db?.drop();
  });

  test('in-flight CALL answered, every socket closed with 1012, new sockets refused while draining, exit code 0', async () => {
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept', GATEWAY_ID: 'gw-drain', DRAIN_WINDOW_MS: '2000' };
    const gateway = await startService({ app: 'gateway', env });
    procs.push(gateway);
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => open(`${gateway.ocppUrl}/DRAIN${String(i).padStart(3, '0')}`)));
    // Each charger answers the CSMS's own CALLs (config-manager asks GetConfiguration on connect).
    const events: string[][] = sockets.map(() => []);
    const closes = sockets.map(
      (ws, i) =>
        new Promise<{ code: number; reason: string }>((resolve) => {
          ws.on('message', (data) => {
            const frame = JSON.parse(data.toString()) as unknown[];
            if (frame[0] === 2) ws.send(JSON.stringify([3, frame[1], frame[2] === 'GetConfiguration' ? { configurationKey: [] } : { status: 'Accepted' }]));
            else events[i].push(`answer ${String(frame[1])}`);
          });
          ws.once('close', (code, reason) => {
            events[i].push(`close ${code}`);
            resolve({ code, reason: reason.toString() });
          });
        }),
    );
    const firstClosed = Promise.race(closes);

    // Every charger has a MeterValues in flight when the gateway is told to stop.
    const timestamp = '2026-03-01T12:00:00.000Z';
    await Promise.all(
      sockets.map(
        (ws, i) =>
          new Promise<void>((resolve, reject) =>
            ws.send(
              JSON.stringify([2, `last-${i}`, 'MeterValues', { connectorId: 1, meterValue: [{ timestamp, sampledValue: [{ value: String(1000 + i) }] }] }]),
              (err) => (err ? reject(err) : resolve()),
            ),
          ),
      ),
    );
    gateway.child.kill('SIGTERM');

    await firstClosed;
    // While the rest of the fleet is still being closed, a newcomer is turned away.
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${gateway.ocppUrl}/DRAIN-LATE`, ['ocpp1.6']);
      ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
      ws.once('open', () => resolve('opened'));
      ws.once('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    expect(refused).toBe('HTTP 503');

    const closed = await Promise.all(closes);
    expect(closed).toEqual(Array.from({ length: SOCKETS }, () => ({ code: 1012, reason: 'service restart' })));
    for (const [i, e] of events.entries()) expect(e).toEqual([`answer last-${i}`, 'close 1012']);
    expect(await gateway.exited).toBe(0);

    // What the gateway acknowledged on its way out is stored.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await eventually(
        async () => {
          const r = await client.query<{ charger_id: string; value_raw: string }>(
            `SELECT charger_id, value_raw FROM metering_meter_values WHERE charger_id LIKE 'DRAIN%' ORDER BY charger_id`,
          );
          return r.rows.length >= SOCKETS ? r.rows : undefined;
        },
        'the last MeterValues of every drained charger',
        60_000,
      );
      expect(rows).toEqual(Array.from({ length: SOCKETS }, (_, i) => ({ charger_id: `DRAIN${String(i).padStart(3, '0')}`, value_raw: String(1000 + i) })));
    } finally {
      await client.end();
    }
  });
});
