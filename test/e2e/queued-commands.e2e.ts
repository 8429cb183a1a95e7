/**
 * Queued commands for offline chargers (docs/api-commands.md#queued-commands) on the all-in-one: stored durably
 * (a SIGKILL and restart of the process loses nothing), delivered once, in creation order, after the charger's
 * next Accepted BootNotification, through the normal command path; cancel, expiry, and a charger that drops
 * mid-call getting the command again on its next connection with both attempts recorded.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { apiClient } from '../support/api-client.js';
import { runQueuedWithSimulator } from '../support/queued-simulator-scenario.js';
import { eventually, freePort, startService, tempDir, type ServiceProcess } from '../support/processes.js';
import { connectRawCharger, type RawCharger } from '../support/raw-charger.js';
import { rpcCharger } from '../support/rpc-charger.js';
import { openSse, type SseStream } from '../support/sse-client.js';

jest.setTimeout(240_000);

let env: Record<string, string>;
let csms: ServiceProcess;
let api: ReturnType<typeof apiClient>;
const streams: SseStream[] = [];

beforeAll(async () => {
  env = { DATA_DIR: tempDir(), API_PORT: String(await freePort()), OCPP_PORT: String(await freePort()) };
  csms = await startService({ env });
  api = apiClient(csms.apiUrl);
});
afterAll(async () => {
  for (const s of streams) s.close();
  await csms?.kill();
});

const goBoot = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };
const queued = (id: string, action: string, expiresAt?: string): string =>
  `/api/v1/chargers/${id}/commands/${action}?delivery=queued${expiresAt ? `&expiresAt=${encodeURIComponent(expiresAt)}` : ''}`;

/** Boots once over a raw socket and leaves, so the registry knows the charger and has seen it go. */
async function knownAndOffline(id: string, boot = goBoot): Promise<void> {
  const c = await connectRawCharger(csms.ocppUrl, id);
  c.send([2, 'b0', 'BootNotification', boot]);
  expect((await c.reply('b0'))[2]).toMatchObject({ status: 'Accepted' });
  c.ws.close();
  await eventually(async () => ((await api.get(`/api/v1/chargers/${id}`)).body?.connected === false ? true : undefined), `${id} offline in the registry`);
}

async function bootRaw(id: string, boot = goBoot, msgId = 'b1'): Promise<RawCharger> {
  const c = await connectRawCharger(csms.ocppUrl, id);
  c.send([2, msgId, 'BootNotification', boot]);
  expect((await c.reply(msgId))[2]).toMatchObject({ status: 'Accepted' });
  return c;
}

const statusOf = async (commandId: string): Promise<string> => (await api.get(`/api/v1/commands/${commandId}`)).body?.status as string;
/** Waits for the command's status; when it never comes, the message holds the command's last record and its charger's. */
const until = (commandId: string, status: string): Promise<true> =>
  eventually(
    async () => {
      const record = (await api.get(`/api/v1/commands/${commandId}`)).body;
      if (record?.status === status) return true as const;
      const charger = record?.chargerId ? (await api.get(`/api/v1/chargers/${encodeURIComponent(record.chargerId)}`)).body : undefined;
      throw new Error(`the command: ${JSON.stringify(record)}; its charger: ${JSON.stringify(charger)}`.slice(0, 3_000));
    },
    `${commandId} ${status}`,
    60_000,
  );

test('queued for an offline charger, kept across a SIGKILL and restart, delivered once and in order after its next boot (ocpp-rpc charger)', async () => {
  const ID = 'QUEUE-RPC1';
  await knownAndOffline(ID);

  // Validated as an immediate command before anything is stored.
  expect((await api.post(queued(ID, 'ChangeAvailability'), { connectorId: 0, type: 'Sideways' })).body).toMatchObject({ error: 'validation_failed' });
  const past = await api.post(queued(ID, 'ChangeAvailability', new Date(Date.now() - 60_000).toISOString()), { connectorId: 0, type: 'Inoperative' });
  expect(past.status).toBe(400);
  expect(past.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt', rule: 'future' })]);
  expect((await api.post(queued('QUEUE-NEVER-SEEN', 'ChangeAvailability'), { connectorId: 0, type: 'Inoperative' })).body).toMatchObject({
    error: 'unknown_charger',
  });
  expect((await api.post(`/api/v1/chargers/${ID}/commands/ChangeAvailability?delivery=later`, { connectorId: 0, type: 'Inoperative' })).status).toBe(400);

  const first = await api.post(queued(ID, 'ChangeAvailability'), { connectorId: 0, type: 'Inoperative' });
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({ status: 'pending', chargerId: ID, action: 'ChangeAvailability' });
  const second = await api.post(queued(ID, 'TriggerMessage'), { requestedMessage: 'Heartbeat' });
  expect(second.status).toBe(202);
  // The charger's boot event may be handled only now (its durable consumer runs behind under load): that boot
  // tries a delivery, finds no gateway holding the socket, and puts the command back to pending. The list and its
  // total are two statements, so wait for the moment both show the two commands pending.
  const pendingIds = [second.body.commandId, first.body.commandId];
  const listed = await eventually(async () => {
    const l = await api.get(`/api/v1/chargers/${ID}/commands?status=pending`);
    const ids = l.body.items.map((i: { commandId: string }) => i.commandId);
    return l.body.total === 2 && JSON.stringify(ids) === JSON.stringify(pendingIds) ? l : undefined;
  }, 'both commands pending');
  expect(listed.body.items.map((i: { commandId: string }) => i.commandId)).toEqual(pendingIds);

  await csms.kill();
  csms = await startService({ env });
  expect(await statusOf(first.body.commandId)).toBe('pending');

  const received: string[] = [];
  const client: RPCClient = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    ID,
    {
      ChangeAvailability: ({ method }) => (received.push(method), { status: 'Accepted' }),
      TriggerMessage: ({ method }) => (received.push(method), { status: 'Accepted' }),
      GetConfiguration: ({ params }) => ({ configurationKey: [], unknownKey: (params.key as string[] | undefined) ?? [] }),
    },
    () => ({ status: 'NotSupported' }),
  );
  try {
    await client.connect();
    expect(await client.call('BootNotification', goBoot)).toMatchObject({ status: 'Accepted' });
    await until(second.body.commandId, 'succeeded');
    expect(received).toEqual(['ChangeAvailability', 'TriggerMessage']);
    const record = (await api.get(`/api/v1/commands/${first.body.commandId}`)).body;
    expect(record).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 'Accepted' }, requestedBy: 'loopback' });
    expect(record.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'ok', detail: { result: { status: 'Accepted' } } })]);
    // Finished: no longer cancellable.
    const late = await api.delete(`/api/v1/commands/${first.body.commandId}`);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: 'not_pending' });

    const events = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=${ID}&types=queued-command&lastEventId=0`);
    streams.push(events);
    await events.next((e) => e.type === 'queued-command' && e.data.commandId === second.body.commandId && e.data.event === 'succeeded');
    // The late boot above may have made a try no gateway took: a delivered taken back by a not-connected retry.
    const steps = events.events
      .filter((e) => e.data.commandId === first.body.commandId)
      .map((e) => `${e.data.event}${e.data.outcome ? `:${e.data.outcome}` : ''}`);
    expect(steps.join(' ').replace(/delivered retry:not-connected /g, '')).toBe('queued delivered succeeded:ok');
  } finally {
    await client.close({ force: true });
  }
});

test('cancel while pending; an expired command is never sent; a model that lacks the action is refused before storing', async () => {
  const ID = 'ZPR0QUEUE1';
  const proBoot = { chargePointVendor: 'Zaptec', chargePointModel: 'Pro', firmwareVersion: '1.8.0' };
  await knownAndOffline(ID, proBoot);
  const diag = await api.post(queued(ID, 'GetDiagnostics'), { location: 'ftp://example.com/' });
  expect(diag.status).toBe(422);
  expect(diag.body).toMatchObject({ error: 'not_supported_by_model' });

  const soon = await api.post(queued(ID, 'ChangeAvailability', new Date(Date.now() + 2_000).toISOString()), { connectorId: 1, type: 'Inoperative' });
  const cancelled = await api.post(queued(ID, 'ChangeAvailability'), { connectorId: 2, type: 'Inoperative' });
  const kept = await api.post(queued(ID, 'ChangeAvailability'), { connectorId: 0, type: 'Operative' });
  expect([soon.status, cancelled.status, kept.status]).toEqual([202, 202, 202]);
  const cancel = await api.delete(`/api/v1/commands/${cancelled.body.commandId}`);
  expect(cancel.status).toBe(200);
  expect(cancel.body).toMatchObject({ status: 'cancelled', cancelledBy: 'api:loopback' });
  expect((await api.delete(`/api/v1/commands/${cancelled.body.commandId}`)).body).toMatchObject({ error: 'not_pending' });
  expect((await api.delete('/api/v1/commands/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  expect((await api.get('/api/v1/commands/not-a-uuid')).status).toBe(400);

  // Past its expiry when the charger comes back: expired at delivery, never sent.
  await new Promise((r) => setTimeout(r, 2_500));
  const c = await bootRaw(ID, proBoot);
  const call = await c.next((f) => f[0] === 2 && f[2] === 'ChangeAvailability', 30_000);
  expect(call[3]).toEqual({ connectorId: 0, type: 'Operative' });
  c.send([3, call[1], { status: 'Accepted' }]);
  await until(kept.body.commandId, 'succeeded');
  expect(await statusOf(soon.body.commandId)).toBe('expired');
  expect(await statusOf(cancelled.body.commandId)).toBe('cancelled');
  expect(c.frames.filter((f) => f[0] === 2 && f[2] === 'ChangeAvailability')).toHaveLength(1);
  expect((await api.get(`/api/v1/chargers/${ID}/commands?status=expired`)).body.items.map((i: { commandId: string }) => i.commandId)).toEqual([
    soon.body.commandId,
  ]);
  c.ws.close();
});

test('a charger that drops mid-call gets the command again on its next connection, both attempts recorded', async () => {
  const ID = 'QUEUE-DROP1';
  await knownAndOffline(ID);
  const res = await api.post(queued(ID, 'ChangeAvailability'), { connectorId: 1, type: 'Inoperative' });
  expect(res.status).toBe(202);
  const id = res.body.commandId as string;

  const before = await bootRaw(ID);
  await before.next((f) => f[0] === 2 && f[2] === 'ChangeAvailability', 30_000);
  before.ws.terminate();
  const held = await eventually(
    async () => {
      const r = (await api.get(`/api/v1/commands/${id}`)).body;
      return r.status === 'pending' && r.attemptLog?.[0]?.outcome ? r : undefined;
    },
    'attempt 1 recorded',
    60_000,
  );
  expect(held).toMatchObject({ attempts: 1, attemptLog: [expect.objectContaining({ attempt: 1, outcome: 'connection-lost' })] });

  const after = await bootRaw(ID, goBoot, 'b2');
  const again = await after.next((f) => f[0] === 2 && f[2] === 'ChangeAvailability', 30_000);
  after.send([3, again[1], { status: 'Accepted' }]);
  await until(id, 'succeeded');
  const record = (await api.get(`/api/v1/commands/${id}`)).body;
  expect(record.attempts).toBe(2);
  expect(record.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual(['connection-lost', 'ok']);
  expect(record.attemptLog[0].sentCommandId).not.toBe(record.attemptLog[1].sentCommandId);
  expect(after.frames.filter((f) => f[0] === 2 && f[2] === 'ChangeAvailability')).toHaveLength(1);
  after.ws.close();
});

test('a queued Hard Reset answered by a reboot is done at the boot that follows, never sent again, and that boot names it', async () => {
  const ID = 'QUEUE-RESET1';
  await knownAndOffline(ID);
  const res = await api.post(queued(ID, 'Reset'), { type: 'Hard' });
  const id = res.body.commandId as string;

  const before = await bootRaw(ID);
  await before.next((f) => f[0] === 2 && f[2] === 'Reset', 30_000);
  before.ws.terminate();
  await eventually(
    async () => ((await api.get(`/api/v1/commands/${id}`)).body?.attemptLog?.[0]?.outcome === 'connection-lost' ? true : undefined),
    'attempt 1 recorded',
    60_000,
  );

  const after = await bootRaw(ID, goBoot, 'b2');
  await until(id, 'succeeded');
  const record = (await api.get(`/api/v1/commands/${id}`)).body;
  expect(record).toMatchObject({ attempts: 1, result: { rebooted: true } });
  const events = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=${ID}&types=charger.boot&lastEventId=0`);
  streams.push(events);
  const boots = await eventually(async () => {
    const b = events.events.filter((e) => e.type === 'charger.boot');
    return b.length >= 3 ? b : undefined;
  }, 'three boots in the stream');
  expect(boots[2].data.afterReset).toMatchObject({ commandId: id, type: 'Hard', outcome: 'connection-lost' });
  expect(after.frames.filter((f) => f[0] === 2 && f[2] === 'Reset')).toHaveLength(0);
  after.ws.close();
});

test('the simulator as a Zaptec Go: queued while offline, carried out after its next boot, in order, once each', async () => {
  await runQueuedWithSimulator({ chargerOcppUrl: csms.ocppUrl, apiUrl: csms.apiUrl }, 'QUEUE-SIM1');
});
