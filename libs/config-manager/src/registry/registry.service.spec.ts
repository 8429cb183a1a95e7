import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChargerMessage, ConnectionEvent, DurableMessage } from '#csms/bus';
import type { BootNotificationRequest } from '#csms/ocpp';
import { BootService } from '../registration/boot.service.js';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ConnectionsService } from './connections.service.js';
import { RegistryService } from './registry.service.js';

const conn = (chargerId: string, seq: number): DurableMessage<ConnectionEvent> => ({
  subject: 'x',
  seq,
  deliveryCount: 1,
  data: { chargerId, state: 'connected', sessionId: `s-${chargerId}`, gatewayId: 'gw-1', at: '2025-11-25T10:00:00.000Z', remoteAddress: '192.0.2.7' },
});
const boot = (chargerId: string, payload: BootNotificationRequest): ChargerMessage<BootNotificationRequest> => ({
  chargerId,
  messageId: `b-${chargerId}`,
  action: 'BootNotification',
  payload,
  receivedAt: '2025-11-25T10:00:01.000Z',
  gatewayId: 'gw-1',
});

describe('RegistryService', () => {
  let t: TestDatabase;
  let registry: RegistryService;

  beforeAll(async () => {
    t = await openTestDatabase();
    registry = new RegistryService(t.db);
  }, 60_000);
  afterAll(async () => t.close());
  beforeEach(async () => {
    await t.reset();
    const connections = new ConnectionsService(t.db, { warn: () => undefined });
    await connections.applyConnectionEvents([conn('ZAP000001', 1), conn('ZPR000002', 2), conn('ABB-3', 3)]);
    await connections.applyConnectionEvents([
      { ...conn('ABB-3', 4), data: { ...conn('ABB-3', 4).data, state: 'disconnected', at: '2025-11-25T10:30:00.000Z' } },
    ]);
    const boots = new BootService(t.db, async () => ({ kind: 'decided', registration: { state: 'accepted', securityProfile: 1, known: true } }), {
      heartbeatIntervalS: 300,
      pendingIntervalS: 30,
    });
    await boots.boot(
      boot('ZAP000001', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4', chargePointSerialNumber: 'ZAP000001' }),
    );
  });

  it('lists every charger in id order with its total, connection, model, capabilities and last boot', async () => {
    const reply = await registry.list({});
    if (!reply.ok) throw new Error(reply.body.message);
    expect(reply.data.total).toBe(3);
    expect(reply.data.items.map((c) => c.id)).toEqual(['ABB-3', 'ZAP000001', 'ZPR000002']);
    const go = reply.data.items[1];
    expect(go).toMatchObject({
      connected: true,
      gatewayId: 'gw-1',
      remoteAddress: '192.0.2.7',
      connectedAt: '2025-11-25T10:00:00.000Z',
      model: 'zaptec-go',
      modelOverridden: false,
      boot: { vendor: 'Zaptec', model: 'Go', serialNumber: 'ZAP000001', firmwareVersion: '2.4.2.4', at: '2025-11-25T10:00:01.000Z', status: 'Accepted' },
    });
    expect(go.capabilities.model).toBe('zaptec-go');
    expect(reply.data.items[0].boot).toBeNull();
    // Pro has no FreeCharging (docs/reference/design-decisions.md#zaptec-chargers), and the capability list says so.
    expect(reply.data.items[2].capabilities.keys).not.toContain('FreeCharging');
    expect(reply.data.items[2].capabilities.unsupportedActions).toContain('GetDiagnostics');
  });

  it('filters by connection state and pages', async () => {
    const online = await registry.list({ connected: true, limit: 1, offset: 1 });
    expect(online.ok && online.data).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: 'ZPR000002' }] });
    const offline = await registry.list({ connected: false });
    expect(offline.ok && offline.data.items.map((c) => c.id)).toEqual(['ABB-3']);
  });

  it('refuses a bad page with 400 naming the field', async () => {
    const reply = await registry.list({ limit: 0 });
    expect(reply).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'limit' }] } });
  });

  it('gets one charger, or 404', async () => {
    expect(await registry.get({ chargerId: 'ZPR000002' })).toMatchObject({ ok: true, data: { id: 'ZPR000002', model: 'zaptec-pro' } });
    expect(await registry.get({ chargerId: 'NOPE' })).toMatchObject({ ok: false, status: 404, body: { error: 'charger_not_found' } });
  });

  it('narrows the capabilities get returns by the reported SupportedFeatureProfiles (the checks of the command APIs)', async () => {
    const before = await registry.get({ chargerId: 'ZAP000001' });
    if (!before.ok) throw new Error(before.body.message);
    expect(before.data.capabilities.unsupportedActions).not.toContain('ReserveNow');
    await sqlOf(t.db).execute(
      `INSERT INTO config_reported (charger_id, key, value, readonly, reported_at) VALUES ('ZAP000001', 'SupportedFeatureProfiles', 'Core,SmartCharging', true, now())`,
    );
    const after = await registry.get({ chargerId: 'ZAP000001' });
    if (!after.ok) throw new Error(after.body.message);
    expect(after.data.capabilities.featureProfiles).toEqual(['Core', 'SmartCharging']);
    expect(after.data.capabilities.unsupportedActions).toEqual(expect.arrayContaining(['ReserveNow', 'CancelReservation', 'SendLocalList']));
  });

  it('overrides the model, and null detects it again from the last boot', async () => {
    expect(await registry.setModel({ chargerId: 'ZAP000001', model: 'zaptec-go2' })).toMatchObject({
      ok: true,
      data: { model: 'zaptec-go2', modelOverridden: true, capabilities: { model: 'zaptec-go2' } },
    });
    expect(await registry.setModel({ chargerId: 'ZAP000001', model: null })).toMatchObject({ ok: true, data: { model: 'zaptec-go', modelOverridden: false } });
  });

  it('refuses an unknown model with 400 naming the field, and an unknown charger with 404', async () => {
    const bad = await registry.setModel({ chargerId: 'ZAP000001', model: 'tesla' as never });
    expect(bad).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'model', rule: 'isIn' }] } });
    expect(await registry.setModel({ chargerId: 'NOPE', model: 'generic' })).toMatchObject({ ok: false, status: 404 });
  });

  it('filters in SQL by model, firmware prefix, id text and group; sorts; walks pages by cursor', async () => {
    await sqlOf(t.db).execute(`INSERT INTO config_groups (name) VALUES ('site') ON CONFLICT DO NOTHING`);
    await sqlOf(t.db).execute(`INSERT INTO config_group_members (charger_id, group_name) VALUES ('ABB-3', 'site'), ('ZPR000002', 'site')`);
    const ids = async (req: Parameters<RegistryService['list']>[0]): Promise<string[]> => {
      const reply = await registry.list(req);
      if (!reply.ok) throw new Error(reply.body.message);
      return reply.data.items.map((c) => c.id);
    };
    expect(await ids({ model: 'zaptec-go' })).toEqual(['ZAP000001']);
    expect(await ids({ firmware: '2.4' })).toEqual(['ZAP000001']);
    expect(await ids({ firmware: '2_4' })).toEqual([]);
    expect(await ids({ q: 'zp' })).toEqual(['ZPR000002']);
    expect(await ids({ group: 'site', sort: '-id' })).toEqual(['ZPR000002', 'ABB-3']);
    expect(await ids({ ids: ['ZAP000001', 'NOPE'] })).toEqual(['ZAP000001']);

    const walked: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const reply = await registry.list({ limit: 2, sort: '-connectedAt', ...(cursor ? { cursor } : {}) });
      if (!reply.ok) throw new Error(reply.body.message);
      expect(reply.data.total).toBe(3);
      walked.push(...reply.data.items.map((c) => c.id));
      if (!reply.data.nextCursor) break;
      cursor = reply.data.nextCursor;
    }
    expect(walked.sort()).toEqual(['ABB-3', 'ZAP000001', 'ZPR000002']);
  });

  it('refuses a cursor of another sort, and a cursor with an offset, naming the field', async () => {
    const first = await registry.list({ limit: 1 });
    if (!first.ok || !first.data.nextCursor) throw new Error('expected a next page');
    const other = await registry.list({ limit: 1, sort: '-id', cursor: first.data.nextCursor });
    expect(other).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'cursor' }] } });
    const both = await registry.list({ limit: 1, offset: 1, cursor: first.data.nextCursor });
    expect(both).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'offset' }] } });
    expect(await registry.list({ sort: 'model' as never })).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'sort' }] } });
  });

  it('counts the fleet by connection state, model and model + firmware', async () => {
    const reply = await registry.fleetFigures();
    if (!reply.ok) throw new Error(reply.body.message);
    expect(reply.data).toEqual({
      total: 3,
      connected: 2,
      byModel: { 'zaptec-go': 1, 'zaptec-pro': 1, generic: 1 },
      byFirmware: { 'zaptec-go 2.4.2.4': 1 },
      configuration: { inSync: 0, drift: 0, refused: 0, unknown: 3 },
    });
    await sqlOf(t.db).execute(`INSERT INTO config_sync_state (charger_id, state) VALUES ('ABB-3', 'in-sync'), ('ZPR000002', 'refused')`);
    const again = await registry.fleetFigures();
    expect(again.ok && again.data.configuration).toEqual({ inSync: 1, drift: 0, refused: 1, unknown: 1 });
    const drifted = await registry.list({ drift: true });
    expect(drifted.ok && drifted.data.items.map((c) => [c.id, c.configurationSync])).toEqual([['ZPR000002', 'refused']]);
    const inSync = await registry.list({ drift: false });
    expect(inSync.ok && inSync.data.items.map((c) => c.id)).toEqual(['ABB-3']);
  });
});
