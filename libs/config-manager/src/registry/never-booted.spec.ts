import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConnectionEvent, DurableMessage } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ConnectionsService } from './connections.service.js';
import { removeNeverBooted } from './never-booted.js';
import { RegistryService } from './registry.service.js';

let seq = 0;
const evt = (chargerId: string, state: ConnectionEvent['state'], at: string): DurableMessage<ConnectionEvent> => ({
  subject: `ocpp.v16.conn.${chargerId}`,
  seq: ++seq,
  deliveryCount: 1,
  data: {
    chargerId,
    state,
    sessionId: `s-${chargerId}`,
    gatewayId: 'gw-1',
    at,
    remoteAddress: '10.0.0.1',
    ...(state === 'disconnected' ? { code: 1006, reason: '' } : {}),
  },
});

/** docs/reference/design-decisions.md#provisional-chargers: a socket that connected and never booted does not stay a charger. */
describe('never-booted chargers', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  }, 60_000);
  afterAll(async () => t.close());

  it('are listed as provisional, and removed once disconnected for the time to live; booted, connected or operator-set ones stay', async () => {
    const connections = new ConnectionsService(t.db, { warn: () => undefined });
    const long = new Date(Date.now() - 7_200_000).toISOString();
    const recent = new Date(Date.now() - 1_000).toISOString();
    await connections.applyConnectionEvents([
      evt('SILENT-OLD', 'connected', long),
      evt('SILENT-OLD', 'disconnected', long),
      evt('SILENT-RECENT', 'connected', recent),
      evt('SILENT-RECENT', 'disconnected', recent),
      evt('SILENT-ONLINE', 'connected', long),
      evt('BOOTED', 'connected', long),
      evt('BOOTED', 'disconnected', long),
      evt('OVERRIDDEN', 'connected', long),
      evt('OVERRIDDEN', 'disconnected', long),
    ]);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET boot_at = now(), boot_status = 'Accepted' WHERE charger_id = 'BOOTED'`);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET model_override = 'go2' WHERE charger_id = 'OVERRIDDEN'`);
    const registry = new RegistryService(t.db);
    const before = await registry.list({});
    expect(before.ok && before.data.items.map((c) => [c.id, c.provisional])).toEqual([
      ['BOOTED', false],
      ['OVERRIDDEN', true],
      ['SILENT-OLD', true],
      ['SILENT-ONLINE', true],
      ['SILENT-RECENT', true],
    ]);
    expect(await removeNeverBooted(t.db, 3_600)).toEqual(['SILENT-OLD']);
    const after = await registry.list({});
    expect(after.ok && after.data.items.map((c) => c.id)).toEqual(['BOOTED', 'OVERRIDDEN', 'SILENT-ONLINE', 'SILENT-RECENT']);
  });
});
