import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChargerMessage, ConnectionEvent, DurableMessage } from '#csms/bus';
import type { BootNotificationRequest } from '#csms/ocpp';
import { BootService } from '../registration/boot.service.js';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ConnectionsService } from './connections.service.js';
import { RegistryService } from './registry.service.js';

const conn = (chargerId: string, seq: number): DurableMessage<ConnectionEvent> => ({
  subject: 'x', seq, deliveryCount: 1,
  data: { chargerId, state: 'connected', sessionId: `s-${chargerId}`, gatewayId: 'gw-1', at: '2025-11-25T10:00:00.000Z', remoteAddress: '192.0.2.7' },
});
const boot = (chargerId: string, payload: BootNotificationRequest): ChargerMessage<BootNotificationRequest> => ({
  chargerId, messageId: `b-${chargerId}`, action: 'BootNotification', payload, receivedAt: '2025-11-25T10:00:01.000Z', gatewayId: 'gw-1',
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
    await connections.applyConnectionEvents([{ ...conn('ABB-3', 4), data: { ...conn('ABB-3', 4).data, state: 'disconnected', at: '2025-11-25T10:30:00.000Z' } }]);
    const boots = new BootService(t.db, async () => ({ kind: 'decided', registration: { state: 'accepted', securityProfile: 1, known: true } }), { heartbeatIntervalS: 300, pendingIntervalS: 30 });
    await boots.boot(boot('ZAP000001', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4', chargePointSerialNumber: 'ZAP000001' }));
  });

  it('lists every charger in id order with its total, connection, model, capabilities and last boot', async () => {
    const reply = await registry.list({});
    if (!reply.ok) throw new Error(reply.body.message);
    expect(reply.data.total).toBe(3);
    expect(reply.data.items.map((c) => c.id)).toEqual(['ABB-3', 'ZAP000001', 'ZPR000002']);
    const go = reply.data.items[1];
    expect(go).toMatchObject({
      connected: true, gatewayId: 'gw-1', remoteAddress: '192.0.2.7', connectedAt: '2025-11-25T10:00:00.000Z', model: 'zaptec-go', modelOverridden: false,
      boot: { vendor: 'Zaptec', model: 'Go', serialNumber: 'ZAP000001', firmwareVersion: '2.4.2.4', at: '2025-11-25T10:00:01.000Z', status: 'Accepted' },
    });
    expect(go.capabilities.model).toBe('zaptec-go');
    expect(reply.data.items[0].boot).toBeNull();
    // Pro has no FreeCharging (issue 10 §1), and the capability list says so.
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

  it('overrides the model, and null detects it again from the last boot', async () => {
    expect(await registry.setModel({ chargerId: 'ZAP000001', model: 'zaptec-go2' })).toMatchObject({
      ok: true, data: { model: 'zaptec-go2', modelOverridden: true, capabilities: { model: 'zaptec-go2' } },
    });
    expect(await registry.setModel({ chargerId: 'ZAP000001', model: null })).toMatchObject({ ok: true, data: { model: 'zaptec-go', modelOverridden: false } });
  });

  it('refuses an unknown model with 400 naming the field, and an unknown charger with 404', async () => {
    const bad = await registry.setModel({ chargerId: 'ZAP000001', model: 'tesla' as never });
    expect(bad).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'model', rule: 'isIn' }] } });
    expect(await registry.setModel({ chargerId: 'NOPE', model: 'generic' })).toMatchObject({ ok: false, status: 404 });
  });
});
