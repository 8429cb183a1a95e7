import { sqlOf } from '#csms/persistence';
/**
 * Wiring: the service module on the real in-process bus through BusTransport, and RegistryApiModule over
 * real HTTP, with one-line stand-ins for auth and metering served on their contract subjects.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus, subjects, type ChargerMessage, type ChargerReply, type ConnectionEvent, type Subscription } from '#csms/bus';
import { ok } from '#csms/http';
import type { BootNotificationRequest, BootNotificationResponse } from '#csms/ocpp';
import { startServiceHarness, type ServiceHarness } from '#csms/testing';
import { RegistryApiModule } from './api/registry-api.module.js';
import { ConfigManagerModule } from './config-manager.module.js';
import { openTestDatabase, type TestDatabase } from './test-support/database.js';
import * as meteringVerbs from '#csms/metering/verbs';
import * as authVerbs from '#csms/auth/verbs';

const ODD_ID = 'ZAP 1.x*';

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ConfigManagerModule + RegistryApiModule on the in-process bus', () => {
  let t: TestDatabase;
  let bus: InProcessBus;
  let harness: ServiceHarness;
  let base: string;
  let auth: Subscription;

  beforeAll(async () => {
    t = await openTestDatabase();
    bus = await InProcessBus.open();
    auth = await bus.serve(
      authVerbs.registration.subject,
      async (body: { chargerId: string }) => ok({ state: body.chargerId.startsWith('BLOCKED') ? 'blocked' : 'accepted', securityProfile: 1, known: true }),
      { queue: 'auth' },
    );
    harness = await startServiceHarness({
      bus,
      db: t.db,
      serviceName: 'config-manager',
      service: ConfigManagerModule.forRoot({ heartbeatIntervalS: 120 }),
      api: [RegistryApiModule],
    });
    base = `${harness.apiBase}/chargers`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await bus?.close();
    await t?.close();
  });

  const bootRequest = (chargerId: string): Promise<ChargerReply<BootNotificationResponse>> =>
    bus.request<ChargerMessage<BootNotificationRequest>, ChargerReply<BootNotificationResponse>>(subjects.request('BootNotification'), {
      chargerId,
      messageId: `b-${chargerId}-${Date.now()}`,
      action: 'BootNotification',
      receivedAt: new Date().toISOString(),
      gatewayId: 'gw-1',
      payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '3.1.0', chargePointSerialNumber: 'ZAP000001' },
    });

  it('answers BootNotification Accepted with the configured interval after asking auth over the bus', async () => {
    const reply = await bootRequest(ODD_ID);
    expect(reply).toMatchObject({ result: { status: 'Accepted', interval: 120 } });
    expect(await bootRequest('BLOCKED-1')).toMatchObject({ result: { status: 'Rejected' } });
  });

  it('keeps connections from the durable stream and last-seen from the gateway batches', async () => {
    const event: ConnectionEvent = {
      chargerId: ODD_ID,
      state: 'connected',
      gatewayId: 'gw-1',
      sessionId: 's1',
      at: new Date().toISOString(),
      remoteAddress: '198.51.100.4',
    };
    await bus.publishDurable(subjects.connection(ODD_ID), event);
    await bus.publish(subjects.seen, { gatewayId: 'gw-1', seen: { [ODD_ID]: '2030-01-01T00:00:00.000Z' } });
    const row = await until(async () => {
      const rows: Array<{ connected: boolean; last_seen: Date | null }> = await sqlOf(t.db).query(
        `SELECT connected, last_seen FROM config_chargers WHERE charger_id = $1`,
        [ODD_ID],
      );
      return rows[0]?.connected && rows[0].last_seen ? rows[0] : undefined;
    });
    expect(new Date(row.last_seen as Date).toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('GET /api/v1/chargers without metering: the list, flagged statusesUnavailable', async () => {
    const res = await fetch(`${base}?connected=true`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ id: string; model: string; connectors?: unknown }>; total: number; statusesUnavailable?: boolean };
    expect(body).toMatchObject({ total: 1, statusesUnavailable: true, items: [{ id: ODD_ID, model: 'zaptec-go2' }] });
    expect(body.items[0].connectors).toBeUndefined();
  });

  it('GET /api/v1/chargers/:id merges connector statuses when metering answers', async () => {
    const metering = await bus.serve(
      meteringVerbs.connectorStatuses.subject,
      async (body: { chargerIds: string[] }) =>
        // The shape metering really answers (libs/metering QueryService.connectorStatuses).
        ok({
          chargers: Object.fromEntries(
            body.chargerIds.map((id) => [id, [{ connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: '2025-11-25T10:00:00.000Z' }]]),
          ),
        }),
      { queue: 'metering' },
    );
    try {
      const res = await fetch(`${base}/${encodeURIComponent(ODD_ID)}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ id: ODD_ID, connected: true, remoteAddress: '198.51.100.4', connectors: [{ connectorId: 1, status: 'Available' }] });
      expect(body.statusesUnavailable).toBeUndefined();
    } finally {
      await metering.unsubscribe();
    }
  });

  it('answers 404 for an unknown charger and 400 naming the field for a bad query or model', async () => {
    expect((await fetch(`${base}/NOPE`)).status).toBe(404);
    const badQuery = await fetch(`${base}?connected=maybe`);
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('connected');
    const put = (model: unknown): Promise<Response> =>
      fetch(`${base}/${encodeURIComponent(ODD_ID)}/model`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model }) });
    const bad = await put('tesla');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0].field).toBe('model');
    const good = await put('zaptec-pro');
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ id: ODD_ID, model: 'zaptec-pro', modelOverridden: true });
  });

  it('answers BootNotification Pending with the short interval when auth does not answer', async () => {
    await auth.unsubscribe();
    expect(await bootRequest('ZAP000002')).toMatchObject({ result: { status: 'Pending', interval: 30 } });
  });
});
