import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusModule, InProcessBus, type Subscription } from '#csms/bus';
import { PersistenceModule } from '#csms/persistence';
import { ok } from '#csms/http';
import type { DataSource } from 'typeorm';
import { MeteringActiveTransactions } from './active-transactions.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { IdTagsService } from './id-tags.service.js';
import { AuthModule } from './index.js';
import { openAuthTestDatabase } from './test-support/test-database.js';
import * as meteringVerbs from '#csms/metering/verbs';

type Open = { chargerId: string; connectorId?: number; idTagStatus: string | null; startedAt: string };

/**
 * ConcurrentTx (docs/reference/design-decisions.md#driver-authorization): auth asks metering, which owns transactions,
 * over the real in-process bus.
 */
describe('ConcurrentTx', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let bus: InProcessBus;
  let registry: ChargerRegistryService;
  let withCheck: IdTagsService;
  let metering: Subscription | undefined;
  const asked: unknown[] = [];
  /** Open transactions per idTag, newest first, as metering lists them. */
  const open = new Map<string, Open[]>();

  const serveMetering = async () => {
    metering = await bus.serve(
      meteringVerbs.listTransactions.subject,
      async (q: { idTag: string; state: string; limit: number }) => {
        asked.push(q);
        const items = open.get(q.idTag) ?? [];
        return ok({ items: items.slice(0, q.limit), total: items.length });
      },
      { queue: 'metering' },
    );
  };

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    bus = await InProcessBus.open();
    registry = new ChargerRegistryService(db);
    withCheck = new IdTagsService(db, registry, undefined, new MeteringActiveTransactions(bus, { concurrentTxTimeoutMs: 200 }));
    await registry.register({ chargerId: 'CTX-1', securityProfile: 0, registrationState: 'accepted' });
    await registry.register({ chargerId: 'CTX-FREE', securityProfile: 0, registrationState: 'accepted' });
    await registry.setReportedConfiguration('CTX-FREE', { FreeCharging: 'true', FreeChargingIdTag: 'FREE' });
    await withCheck.create('DRIVER', { status: 'Accepted' });
    await withCheck.create('BLOCKED', { status: 'Blocked' });
    await serveMetering();
  }, 60_000);
  afterAll(async () => {
    await bus.close();
    await close();
  });

  it('answers ConcurrentTx when the tag has another accepted open transaction, not for the start being decided', async () => {
    const start = { connectorId: 1, timestamp: '2030-01-01T10:00:00.000Z' };
    // Metering asks before it stores the start: nothing open for the tag.
    open.set('DRIVER', []);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER', start)).toEqual({ idTagInfo: { status: 'Accepted' }, free: false });
    expect(asked[0]).toMatchObject({ idTag: 'DRIVER', state: 'open' });
    // A retry whose first answer the charger lost: this start is stored (Accepted) and must not count against itself.
    open.set('DRIVER', [{ chargerId: 'CTX-1', connectorId: 1, idTagStatus: 'Accepted', startedAt: '2030-01-01T10:00:00Z' }]);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER', start)).toEqual({ idTagInfo: { status: 'Accepted' }, free: false });
    // The same charger's other connector holds an accepted transaction of the tag: that one counts
    // (docs/reference/design-decisions.md#starttransaction-with-its-verdict
    // changed the order; "the newest open one of this charger" is no longer the start being decided).
    open.set('DRIVER', [{ chargerId: 'CTX-1', connectorId: 2, idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' }]);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER', start)).toEqual({ idTagInfo: { status: 'ConcurrentTx' }, free: false });
    // Another charger holds an accepted transaction of the same tag.
    open.set('DRIVER', [
      { chargerId: 'CTX-1', connectorId: 1, idTagStatus: 'Accepted', startedAt: '2030-01-01T10:00:00Z' },
      { chargerId: 'OTHER', connectorId: 1, idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' },
    ]);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER', start)).toEqual({ idTagInfo: { status: 'ConcurrentTx' }, free: false });
    // A Blocked tag keeps saying Blocked.
    open.set('BLOCKED', [{ chargerId: 'OTHER', idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' }]);
    expect((await withCheck.idTagInfoForStart('CTX-1', 'BLOCKED', start)).idTagInfo.status).toBe('Blocked');
  });

  it('without the start key (a metering that stored first), the newest open transaction of the charger is the start', async () => {
    open.set('DRIVER', [{ chargerId: 'CTX-1', idTagStatus: null, startedAt: '2030-01-01T10:00:00Z' }]);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER')).toEqual({ idTagInfo: { status: 'Accepted' }, free: false });
    open.set('DRIVER', [
      { chargerId: 'CTX-1', idTagStatus: null, startedAt: '2030-01-01T10:00:00Z' },
      { chargerId: 'OTHER', idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' },
    ]);
    expect(await withCheck.idTagInfoForStart('CTX-1', 'DRIVER')).toEqual({ idTagInfo: { status: 'ConcurrentTx' }, free: false });
  });

  it('never for the free-charging tag, and off unless configured', async () => {
    open.set('FREE', [{ chargerId: 'OTHER', idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' }]);
    expect(await withCheck.idTagInfoForStart('CTX-FREE', 'FREE')).toEqual({ idTagInfo: { status: 'Accepted' }, free: true });
    const without = new IdTagsService(db, registry);
    expect((await without.idTagInfoForStart('CTX-1', 'DRIVER')).idTagInfo.status).toBe('Accepted');
  });

  it('AuthModule asks metering only when concurrentTx is set', async () => {
    open.set('DRIVER', [{ chargerId: 'OTHER', connectorId: 1, idTagStatus: 'Accepted', startedAt: '2030-01-01T09:00:00Z' }]);
    const statusWith = async (concurrentTx: boolean): Promise<string> => {
      @Module({ imports: [PersistenceModule.forDataSource(db), BusModule.forRoot(bus), AuthModule.forRoot({ unknownChargers: 'reject', concurrentTx })] })
      class Root {}
      const app = await NestFactory.createApplicationContext(Root, { logger: false });
      try {
        return (await app.get(IdTagsService).idTagInfoForStart('CTX-1', 'DRIVER', { connectorId: 1, timestamp: '2030-01-01T10:00:00.000Z' })).idTagInfo.status;
      } finally {
        await app.close();
      }
    };
    expect(await statusWith(true)).toBe('ConcurrentTx');
    expect(await statusWith(false)).toBe('Accepted');
  });

  it('does not block when metering does not answer', async () => {
    await metering?.unsubscribe();
    expect((await withCheck.idTagInfoForStart('CTX-1', 'DRIVER')).idTagInfo.status).toBe('Accepted');
    // Metering running but silent: decided from the tag once the short wait is over.
    metering = await bus.serve(meteringVerbs.listTransactions.subject, () => new Promise<never>(() => undefined), { queue: 'metering' });
    expect((await withCheck.idTagInfoForStart('CTX-1', 'DRIVER')).idTagInfo.status).toBe('Accepted');
    await metering.unsubscribe();
  });
});
