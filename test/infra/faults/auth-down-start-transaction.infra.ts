/**
 * docs/reference/design-decisions.md#starttransaction-with-its-verdict on NATS + PostgreSQL: StartTransaction while the
 * auth service is stopped. Metering used to store
 * the transaction before asking auth, so every refused attempt left an "open" transaction with no idTag status
 * (13 in 22 s). Now nothing is stored while auth cannot answer (the charger gets CALLERROR InternalError and
 * retries with the same messageId, as a real one does), and the retry after auth is back makes ONE transaction.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { describeInfra } from '#csms/testing';
import { RawCharger } from '../../../tools/soak/raw-charger.js';
import { apiClient } from '../../support/api-client.js';
import { eventually } from '../../support/processes.js';
import { startProductionStack, type ProductionStack } from '../../support/production-stack.js';

jest.setTimeout(300_000);

describeInfra('StartTransaction while auth is down (NATS JetStream + PostgreSQL)', () => {
  let stack: ProductionStack;
  let charger: RawCharger | undefined;

  beforeAll(async () => {
    stack = await startProductionStack();
  });
  afterAll(async () => {
    await charger?.stop();
    await stack?.stop();
  });

  const transactions = async (chargerId: string): Promise<Array<{ id: number; id_tag_status: string | null; stopped_at: Date | null }>> => {
    const c = new pg.Client({ connectionString: stack.db.url });
    await c.connect();
    try {
      return (await c.query(`SELECT id, id_tag_status, stopped_at FROM metering_transactions WHERE charger_id = $1 ORDER BY id`, [chargerId])).rows;
    } finally {
      await c.end();
    }
  };

  test('no row while auth is down, one transaction with its verdict once the retry gets through', async () => {
    const api = apiClient(stack.gateways[0].apiUrl);
    expect((await api.post('/api/v1/id-tags', { idTag: 'AUTHDOWN-TAG', status: 'Accepted' })).status).toBe(201);
    charger = new RawCharger({ id: 'AUTHDOWN-1', urls: [stack.gateways[0].ocppUrl], retryDelayMs: 200 });
    await charger.connect();
    expect((await charger.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' })).result).toMatchObject({ status: 'Accepted' });

    await stack.services.auth.stop();
    // The charger keeps its StartTransaction queued and retries it (same messageId) until it gets an answer.
    const started = charger.call('StartTransaction', { connectorId: 1, idTag: 'AUTHDOWN-TAG', meterStart: 1234, timestamp: '2026-02-01T10:00:00.000Z' });
    await eventually(async () => (charger!.counters.callErrors >= 5 ? true : undefined), 'five InternalErrors while auth is down', 60_000);
    expect(await transactions('AUTHDOWN-1')).toEqual([]);

    await stack.restart('auth');
    const { result } = await started;
    expect(result).toMatchObject({ idTagInfo: { status: 'Accepted' } });
    const rows = await transactions('AUTHDOWN-1');
    expect(rows).toEqual([{ id: result.transactionId, id_tag_status: 'Accepted', stopped_at: null }]);
    // And the same start sent again (its answer lost) is still that one transaction.
    const again = await charger.call('StartTransaction', { connectorId: 1, idTag: 'AUTHDOWN-TAG', meterStart: 1234, timestamp: '2026-02-01T10:00:00.000Z' });
    expect(again.result).toEqual(result);
    expect(await transactions('AUTHDOWN-1')).toHaveLength(1);
  });
});
