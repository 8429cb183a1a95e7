/**
 * The batches that write several `config_chargers` rows at once, run against each other on real PostgreSQL (PGlite
 * has one connection and cannot deadlock): boots, connection events and last-seen reports about the same
 * chargers, each listing them in a different order, as a reconnect storm makes them. Before every such write
 * locked in charger order, a boot batch and a connection batch deadlocked here and the boots were refused.
 */
import type { ChargerMessage, ConnectionEvent, DurableMessage } from '#csms/bus';
import type { BootNotificationRequest } from '#csms/ocpp';
import { sqlOf } from '#csms/persistence';
import { describeInfra, twoReplicaDatabasesForSuite } from '#csms/testing';
import { CONFIG_MANAGER_MIGRATIONS } from '../index.js';
import { BootService } from '../registration/boot.service.js';
import { ConnectionsService } from './connections.service.js';

const quiet = { warn: (): void => undefined };
const CHARGERS = Array.from({ length: 60 }, (_, i) => `LOCK-${String(i).padStart(3, '0')}`);
const ROUNDS = 15;

/** A deterministic shuffle, so a failure can be run again as it was. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describeInfra('config_chargers batches locking on PostgreSQL', () => {
  const replicas = twoReplicaDatabasesForSuite({ migrations: CONFIG_MANAGER_MIGRATIONS });

  it('boots, connection events and last-seen reports in opposite orders all commit, round after round', async () => {
    const { a, b } = replicas;
    const boots = [
      new BootService(
        a,
        async () => ({ kind: 'decided', registration: { state: 'accepted', securityProfile: 0, known: true } }),
        {
          heartbeatIntervalS: 300,
          pendingIntervalS: 30,
        },
        quiet,
      ),
      new BootService(
        b,
        async () => ({ kind: 'decided', registration: { state: 'accepted', securityProfile: 0, known: true } }),
        {
          heartbeatIntervalS: 300,
          pendingIntervalS: 30,
        },
        quiet,
      ),
    ];
    const connections = [new ConnectionsService(a, quiet), new ConnectionsService(b, quiet)];
    let seq = 0;
    const failures: string[] = [];
    const record = (what: string) => (err: unknown) => void failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);

    for (let round = 0; round < ROUNDS; round++) {
      const at = new Date(Date.UTC(2026, 10, 29, 9, 0, round)).toISOString();
      const bootMsg = (chargerId: string): ChargerMessage<BootNotificationRequest> => ({
        chargerId,
        messageId: `boot-${round}`,
        action: 'BootNotification',
        payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go' },
        receivedAt: at,
        gatewayId: 'gw-1',
      });
      const connected = (ids: string[]): DurableMessage<ConnectionEvent>[] =>
        ids.map((chargerId) => ({
          subject: `ocpp.v16.connection.${chargerId}`,
          data: { chargerId, state: 'connected', gatewayId: 'gw-1', sessionId: `s-${round}-${chargerId}`, at },
          seq: ++seq,
          deliveryCount: 1,
        }));
      const order = [shuffled(CHARGERS, round * 4 + 1), shuffled(CHARGERS, round * 4 + 2), shuffled(CHARGERS, round * 4 + 3)];
      const half = CHARGERS.length / 2;
      await Promise.all([
        // Each BootService batches what arrives while its batch is out: most of each list goes as one statement.
        ...order[0].map((id, i) => boots[i % 2].boot(bootMsg(id)).catch(record(`boot of ${id}`))),
        connections[0].applyConnectionEvents(connected(order[1].slice(0, half))).catch(record('connection batch 1')),
        connections[1].applyConnectionEvents(connected(order[1].slice(half))).catch(record('connection batch 2')),
        connections[round % 2].applySeen({ gatewayId: 'gw-1', seen: Object.fromEntries(order[2].map((id) => [id, at])) }).catch(record('seen batch')),
      ]);
    }

    expect(failures).toEqual([]);
    const rows = await sqlOf(a).query<{ n: string }>(
      `SELECT count(*) AS n FROM config_chargers WHERE charger_id LIKE 'LOCK-%' AND connected AND boot_at IS NOT NULL AND last_seen IS NOT NULL`,
    );
    expect(Number(rows[0].n)).toBe(CHARGERS.length);
  }, 120_000);
});
