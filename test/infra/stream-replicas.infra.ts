/**
 * NATS_STREAM_REPLICAS on a real three-node JetStream cluster (docs/reference/design-decisions.md#stream-replicas): a
 * start raises a stream that
 * has fewer replicas than asked (the cluster allows it), a stream leader killed mid-load loses nothing
 * publishDurable acknowledged, and a later start asking fewer replicas (the default 1) leaves 3: also a
 * real service (metering, from dist/) restarted without NATS_STREAM_REPLICAS.
 */
import { jest } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { DEAD_LETTERS_STREAM, EVENTS_STREAM, NatsBus, subjects } from '#csms/bus';
import { createTestDatabase, describeInfra, startNatsCluster, waitFor, type NatsClusterHandle } from '#csms/testing';
import { startService } from '../support/processes.js';

jest.setTimeout(300_000);

describeInfra('stream replicas on a three-node NATS cluster', () => {
  let cluster: NatsClusterHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  // a node restart moves stream leaders; an info asked during the election times out and is asked again
  const replicas = async (stream: string): Promise<number> => {
    let n: number | undefined;
    await waitFor(async () => (n = (await jsm.streams.info(stream).catch(() => undefined))?.config.num_replicas) !== undefined, `${stream} info`, 60_000);
    return n as number;
  };
  const healthy = async (stream: string): Promise<boolean> => {
    const info = await jsm.streams.info(stream).catch(() => undefined);
    return info?.cluster?.leader !== undefined && info.cluster.replicas?.length === 2 && info.cluster.replicas.every((r) => r.current && !r.offline);
  };

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connect({ servers: cluster.url.split(',') });
    jsm = await jetstreamManager(nc);
  }, 120_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.dispose();
  });

  test('raised to 3 when asked, one node killed mid-load loses nothing acknowledged, a start with the default keeps 3', async () => {
    const first = await NatsBus.connect({ servers: cluster.url, name: 'old-release' });
    expect(await replicas(EVENTS_STREAM)).toBe(1);
    await first.close();

    const gateway = await NatsBus.connect({ servers: cluster.url, name: 'gateway', streamReplicas: 3 });
    // the new replicas catch up before the load starts
    await waitFor(() => healthy(EVENTS_STREAM), 'three current replicas', 60_000);
    const metering = await NatsBus.connect({ servers: cluster.url, name: 'metering', streamReplicas: 3 });
    expect(await replicas(EVENTS_STREAM)).toBe(3);
    expect(await replicas(DEAD_LETTERS_STREAM)).toBe(3);

    const received = new Set<number>();
    await metering.consume<number>({ durable: 'replicas-metering', filterSubjects: [subjects.eventsOf('MeterValues')], ackWaitMs: 5_000 }, async (batch) => {
      for (const m of batch) received.add(m.data);
    });
    const acked = new Set<number>();
    let refused = 0;
    let next = 0;
    let stop = false;
    const publisher = async (): Promise<void> => {
      while (!stop) {
        const n = ++next;
        await gateway.publishDurable(subjects.event(`cp-${n % 50}`, 'MeterValues'), n, { msgId: `mv-${n}` }).then(
          () => void acked.add(n),
          () => void refused++,
        );
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, publisher));
    await waitFor(() => acked.size >= 1_000, '1000 acknowledged before the kill', 60_000);
    const leader = (await jsm.streams.info(EVENTS_STREAM)).cluster?.leader;
    expect(leader).toBeDefined();
    const victim = cluster.node(leader as string);
    await victim.kill();
    const atKill = acked.size;
    await waitFor(() => acked.size >= atKill + 1_000, '1000 more acknowledged with a node down', 120_000);
    stop = true;
    await load;
    await victim.start();
    // what follows is about starts on a whole cluster, not during the restarted node's catch-up
    await waitFor(async () => (await healthy(EVENTS_STREAM)) && (await healthy(DEAD_LETTERS_STREAM)), 'both streams led, three current replicas', 120_000);

    await waitFor(() => [...acked].every((n) => received.has(n)), 'every acknowledged message consumed', 120_000);
    expect([...acked].filter((n) => !received.has(n))).toEqual([]);
    expect(acked.size).toBeGreaterThanOrEqual(2_000);
    console.log(`replicas: ${acked.size} acknowledged, ${refused} refused during the leader change, 0 lost`);
    await gateway.close();
    await metering.close();

    // a service restart with the default (1) or a lower value never lowers the operator's replicas
    const restarted = await NatsBus.connect({ servers: cluster.url, name: 'restarted' });
    expect(await replicas(EVENTS_STREAM)).toBe(3);
    expect(await replicas(DEAD_LETTERS_STREAM)).toBe(3);
    await restarted.close();
    const two = await NatsBus.connect({ servers: cluster.url, name: 'restarted-2', streamReplicas: 2 });
    expect(await replicas(EVENTS_STREAM)).toBe(3);
    await two.close();

    const db = await createTestDatabase();
    try {
      for (const extra of [{}, { NATS_STREAM_REPLICAS: '1' }] as Array<Record<string, string>>) {
        const metering = await startService({ app: 'metering', env: { NATS_URL: cluster.url, DATABASE_URL: db.url, ...extra } });
        expect(await replicas(EVENTS_STREAM)).toBe(3);
        expect(await replicas(DEAD_LETTERS_STREAM)).toBe(3);
        await metering.stop();
      }
    } finally {
      await db.drop();
    }
  });
});
