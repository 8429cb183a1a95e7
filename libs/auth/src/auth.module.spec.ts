import 'reflect-metadata';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import {
  BusModule,
  BusTransport,
  InProcessBus,
  subjects,
  type ChargerMessage,
  type ChargerReply,
  type ConnectAuthReply,
  type SecurityEventFact,
  type StreamedMessage,
} from '#csms/bus';
import { apiValidationPipe } from '#csms/http';
import type { AuthorizeResponse, SendLocalListRequest } from '#csms/ocpp';
import { PersistenceModule } from '#csms/persistence';
import { ConnectDecisionService } from './connect-decision.service.js';
import { AuthApiModule, AuthModule } from './index.js';
import { VerifiedCredentials } from './verified-credentials.js';
import { openAuthTestDatabase } from './test-support/test-database.js';
import * as authVerbs from './verbs.js';

/** The wiring: HTTP routes -> bus verbs -> AuthModule handlers, on the real in-process bus and PGlite. */
describe('AuthModule + AuthApiModule over the in-process bus', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let bus: InProcessBus;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    bus = await InProcessBus.open();
    @Module({ imports: [PersistenceModule.forDataSource(db), BusModule.forRoot(bus), AuthModule.forRoot({ unknownChargers: 'reject' }), AuthApiModule] })
    class Root {}
    app = await NestFactory.create(Root, { logger: false });
    app.useGlobalPipes(apiValidationPipe());
    app.connectMicroservice({ strategy: new BusTransport(bus, 'auth') });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await bus.close();
    await close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API answers JSON of several shapes and the test reads fields by name
  const http = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  it('registers a charger over HTTP and the gateway question accepts its generated password', async () => {
    const created = await http('POST', '/api/v1/chargers', { id: 'ZAP100001', securityProfile: 1 });
    expect(created.status).toBe(201);
    const password: string = created.json.generatedPassword;
    expect((await http('POST', '/api/v1/chargers', { id: 'zap100001', securityProfile: 1 })).status).toBe(409);
    const bad = await http('POST', '/api/v1/chargers', { id: 'X1', securityProfile: 7 });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('securityProfile');
    const reply = await bus.request<unknown, ConnectAuthReply>(authVerbs.connect.subject, {
      chargerId: 'ZAP100001',
      remoteAddress: '10.0.0.1',
      tls: false,
      basic: { username: 'ZAP100001', passwordBase64: Buffer.from(password).toString('base64') },
    });
    expect(reply).toEqual({ decision: 'accept', chargerId: 'ZAP100001' });
  });

  it('a refused connection is stored and told to live dashboards as a SecurityEvent fact', async () => {
    const reply = await bus.request<unknown, ConnectAuthReply>(authVerbs.connect.subject, {
      chargerId: 'ZAP100001',
      remoteAddress: '10.0.0.9',
      tls: false,
      basic: { username: 'ZAP100001', passwordBase64: Buffer.from('not-the-password').toString('base64') },
    });
    expect(reply).toMatchObject({ decision: 'unauthorized' });
    const reader = await bus.readStream<SecurityEventFact>({ filterSubjects: [subjects.factsOf('SecurityEvent')], startSeq: 1 });
    try {
      // The fact is published after the event is stored: read until it is there.
      for await (const m of reader as AsyncIterable<StreamedMessage<SecurityEventFact>>) {
        if (m.data.remoteAddress === '10.0.0.9') {
          expect(m.data).toMatchObject({ chargerId: 'ZAP100001', type: expect.any(String) });
          break;
        }
      }
    } finally {
      await reader.close();
    }
  });

  it('shares one verified-credential cache per process and forgets a charger when it is blocked', async () => {
    const cache = app.get(VerifiedCredentials);
    expect(app.get(ConnectDecisionService).verifiedCredentials).toBe(cache);
    // ZAP100001's generated password is a keyed hash: cheap to check, so not remembered. A chosen one is scrypt.
    expect(cache.size).toBe(0);
    expect((await http('POST', '/api/v1/chargers', { id: 'ZAP100002', securityProfile: 1, password: 'operator-chosen-2' })).status).toBe(201);
    const reply = await bus.request<unknown, ConnectAuthReply>(authVerbs.connect.subject, {
      chargerId: 'ZAP100002',
      remoteAddress: '10.0.0.1',
      tls: false,
      basic: { username: 'ZAP100002', passwordBase64: Buffer.from('operator-chosen-2').toString('base64') },
    });
    expect(reply).toEqual({ decision: 'accept', chargerId: 'ZAP100002' });
    expect(cache.size).toBe(1);
    const setState = (state: string) => bus.request<unknown, { ok: boolean }>(authVerbs.setRegistration.subject, { chargerId: 'zap100002', state });
    expect(await setState('blocked')).toMatchObject({ ok: true });
    expect(cache.size).toBe(0);
    expect(await setState('accepted')).toMatchObject({ ok: true });
  });

  it('idTags over HTTP answer Authorize over the bus', async () => {
    expect((await http('POST', '/api/v1/id-tags', { idTag: 'DRIVER1', status: 'Accepted' })).status).toBe(201);
    expect((await http('POST', '/api/v1/id-tags', { idTag: 'DRIVER2', status: 'Maybe' })).status).toBe(400);
    expect((await http('GET', '/api/v1/id-tags/driver1')).json).toMatchObject({ idTag: 'DRIVER1', status: 'Accepted' });
    expect((await http('PUT', '/api/v1/id-tags/DRIVER1', { status: 'Blocked' })).json).toMatchObject({ status: 'Blocked' });
    expect((await http('GET', '/api/v1/id-tags?limit=10')).json).toMatchObject({ total: 1, limit: 10 });
    const msg: ChargerMessage<{ idTag: string }> = {
      chargerId: 'ZAP100001',
      messageId: 'm1',
      action: 'Authorize',
      payload: { idTag: 'DRIVER1' },
      receivedAt: new Date().toISOString(),
      gatewayId: 'g1',
    };
    expect(await bus.request<unknown, ChargerReply<AuthorizeResponse>>(subjects.request('Authorize'), msg)).toEqual({
      result: { idTagInfo: { status: 'Blocked' } },
    });
    expect((await http('DELETE', '/api/v1/id-tags/DRIVER1')).status).toBe(204);
    expect((await http('GET', '/api/v1/id-tags/DRIVER1')).status).toBe(404);
  });

  it('starts a key rotation with 202, refuses a bad key with 422, and shows the outcome, never the key', async () => {
    const bad = await http('POST', '/api/v1/chargers/ZAP100001/authorization-key', { key: 'short' });
    expect(bad.status).toBe(422);
    const started = await http('POST', '/api/v1/chargers/ZAP100001/authorization-key', {});
    expect(started.status).toBe(202);
    expect(started.json.generatedKey).toMatch(/^[0-9A-F]{40}$/);
    // Nobody holds the charger's socket: the rotation ends as not-connected.
    let status = await http('GET', '/api/v1/chargers/ZAP100001/authorization-key');
    for (let i = 0; i < 50 && status.json.state === 'sending'; i++) {
      await new Promise((r) => setImmediate(r));
      status = await http('GET', '/api/v1/chargers/ZAP100001/authorization-key');
    }
    expect(status.json).toMatchObject({ state: 'abandoned', outcome: 'not-connected' });
    expect(JSON.stringify(status.json)).not.toContain(started.json.generatedKey);
  });

  it('accepts a pending charger through PATCH registration, and stores SecurityEventNotification from the stream', async () => {
    expect((await http('PATCH', '/api/v1/chargers/ZAP100001/registration', { state: 'pending' })).json).toMatchObject({ state: 'pending', known: true });
    expect((await http('PATCH', '/api/v1/chargers/NOPE/registration', { state: 'accepted' })).status).toBe(404);
    const event: ChargerMessage = {
      chargerId: 'ZAP100001',
      messageId: 's1',
      action: 'SecurityEventNotification',
      payload: { type: 'TamperDetectionActivated', timestamp: '2030-01-01T00:00:00.000Z' },
      receivedAt: new Date().toISOString(),
      gatewayId: 'g1',
    };
    await bus.publishDurable(subjects.event('ZAP100001', 'SecurityEventNotification'), event);
    let list = await http('GET', '/api/v1/chargers/ZAP100001/security-events');
    for (let i = 0; i < 100 && !list.json.items.some((e: { source: string }) => e.source === 'charger'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      list = await http('GET', '/api/v1/chargers/ZAP100001/security-events');
    }
    expect(list.json.items).toContainEqual(expect.objectContaining({ type: 'TamperDetectionActivated', source: 'charger' }));
  });

  it('PUT / GET local-auth-list: validated, stored, and a connection event brings the Full list to the charger', async () => {
    expect((await http('PUT', '/api/v1/chargers/ZAP100001/local-auth-list', { group: 5 })).status).toBe(400);
    expect((await http('PUT', '/api/v1/chargers/NOPE/local-auth-list', { group: 'g' })).status).toBe(404);
    expect((await http('POST', '/api/v1/id-tags', { idTag: 'LIST1', status: 'Accepted', group: 'wired' })).status).toBe(201);
    const put = await http('PUT', '/api/v1/chargers/ZAP100001/local-auth-list', { group: 'wired' });
    expect(put.json).toMatchObject({ chargerId: 'ZAP100001', group: 'wired' });
    // Nobody holds the socket: the Full update is recorded as waiting for the next connect.
    let state = await http('GET', '/api/v1/chargers/ZAP100001/local-auth-list');
    for (let i = 0; i < 100 && state.json.outcome !== 'not-connected'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      state = await http('GET', '/api/v1/chargers/ZAP100001/local-auth-list');
    }
    expect(state.json.outcome).toBe('not-connected');
    // The charger keeps its list as a real one does: GetLocalListVersion answers the version it last accepted. The
    // POST's Differential runs on after the API answered and may reach the charger before or after the connect's
    // Full update; either way the charger must end holding the group's list, at the version auth recorded.
    const sent: Array<{ action: string; payload: SendLocalListRequest }> = [];
    const held = { version: 0, tags: new Map<string, unknown>() };
    const sub = await bus.serve(subjects.command('ZAP100001'), async (req: { action: string; payload: SendLocalListRequest }) => {
      sent.push(req);
      if (req.action === 'GetLocalListVersion') return { status: 'ok', result: { listVersion: held.version } };
      if (req.action !== 'SendLocalList') return { status: 'callerror', code: 'NotImplemented', description: req.action, details: {} };
      if (req.payload.updateType === 'Full') held.tags.clear();
      for (const e of req.payload.localAuthorizationList ?? []) {
        if (e.idTagInfo) held.tags.set(e.idTag, e.idTagInfo);
        else held.tags.delete(e.idTag);
      }
      held.version = req.payload.listVersion;
      return { status: 'ok', result: { status: 'Accepted' } };
    });
    await bus.publishDurable(subjects.connection('ZAP100001'), {
      chargerId: 'ZAP100001',
      state: 'connected',
      gatewayId: 'g1',
      sessionId: 's1',
      at: new Date().toISOString(),
    });
    state = await http('GET', '/api/v1/chargers/ZAP100001/local-auth-list');
    for (let i = 0; i < 100 && state.json.outcome !== 'Accepted'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      state = await http('GET', '/api/v1/chargers/ZAP100001/local-auth-list');
    }
    expect(state.json).toMatchObject({ group: 'wired', outcome: 'Accepted', listVersion: held.version });
    expect(held.version).toBeGreaterThanOrEqual(1);
    expect(Object.fromEntries(held.tags)).toEqual({ LIST1: { status: 'Accepted' } });
    expect(sent.find((s) => s.action === 'SendLocalList')?.payload).toEqual({
      listVersion: 1,
      updateType: 'Full',
      localAuthorizationList: [{ idTag: 'LIST1', idTagInfo: { status: 'Accepted' } }],
    });
    await sub.unsubscribe();
  });
});
