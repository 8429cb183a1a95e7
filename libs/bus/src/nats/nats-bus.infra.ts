import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describeInfra, startNatsServer, waitFor, type NatsServerHandle } from '#csms/testing';
import type { Bus } from '../bus.js';
import { busContract } from '../test-support/bus-contract.js';
import { traceContract } from '../test-support/trace-contract.js';
import { ROOT_CONTEXT, currentTraceId, inSpan } from '#csms/tracing';
import { EVENTS_STREAM, EVENT_STREAM_SUBJECTS, subjects } from '../subjects.js';
import { NatsBus } from './nats-bus.js';

describeInfra('NatsBus on a real nats-server', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  busContract('NatsBus', ({ maxDeliveries }) => NatsBus.connect({ servers: server.url, name: 'contract', maxDeliveries }));
  traceContract('NatsBus', () => NatsBus.connect({ servers: server.url, name: 'trace-contract' }));

  test('the trace context travels as a W3C traceparent NATS header (what other NATS clients read)', async () => {
    const bus = await NatsBus.connect({ servers: [server.url], name: 'trace-header' });
    const nc = await connect({ servers: server.url });
    const subject = `th${randomBytes(4).toString('hex')}`;
    const got = new Promise<string | undefined>((resolve) => nc.subscribe(subject, { max: 1, callback: (_e, m) => resolve(m.headers?.get('traceparent')) }));
    await nc.flush();
    const traceId = await inSpan('root', { parent: ROOT_CONTEXT }, async () => (await bus.publish(subject, 1), currentTraceId()));
    expect(await got).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    await nc.close();
    await bus.close();
  });

  test('creates the events stream with the expected config', async () => {
    const bus = await NatsBus.connect({ servers: [server.url], name: 'stream-check', streamMaxAgeMs: 3_600_000 });
    const nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
    expect(info.config.subjects).toEqual(EVENT_STREAM_SUBJECTS);
    expect(info.config.storage).toBe('file');
    expect(info.config.retention).toBe('limits');
    expect(info.config.duplicate_window).toBe(120_000 * 1_000_000);
    expect(info.config.max_age).toBe(3_600_000 * 1_000_000);
    await nc.close();
    await bus.close();
  });

  test('NATS_STREAM_REPLICAS higher than a single server allows: an existing stream stays as it is and the start goes on', async () => {
    await (await NatsBus.connect({ servers: [server.url], name: 'replicas-1' })).close();
    const bus = await NatsBus.connect({ servers: [server.url], name: 'replicas-3', streamReplicas: 3 });
    const nc = await connect({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM);
    expect(info.config.num_replicas).toBe(1);
    await nc.close();
    await bus.close();
  });

  test('a consumer continues after nats-server restarts, and nothing acked by publishDurable is lost', async () => {
    const id = `cp-${randomBytes(4).toString('hex')}`;
    const subject = subjects.event(id, 'MeterValues');
    const publisher: Bus = await NatsBus.connect({ servers: server.url, name: 'gateway' });
    const consumerBus: Bus = await NatsBus.connect({ servers: server.url, name: 'metering' });
    const received = new Set<number>();
    // ack_wait 5 s: a message the server handed to a pull request that died with it comes back after ack_wait
    await consumerBus.consume<number>({ durable: `restart-${id}`, filterSubjects: [subject], maxBatch: 16, ackWaitMs: 5_000 }, async (batch) => {
      for (const m of batch) received.add(m.data);
    });
    const acked: number[] = [];
    const failed: number[] = [];
    const publishRange = async (from: number, to: number): Promise<void> => {
      for (let n = from; n < to; n++) {
        await publisher.publishDurable(subject, n, { msgId: `${id}:${n}` }).then(
          () => void acked.push(n),
          () => void failed.push(n),
        );
      }
    };
    await publishRange(0, 50);
    await waitFor(() => received.size === 50, 'first 50 consumed');
    await Promise.all([server.restart(), publishRange(50, 100)]);
    await publishRange(100, 150);
    await waitFor(() => acked.every((n) => received.has(n)), 'every acked message consumed after the restart', 60_000);
    expect(acked.length).toBeGreaterThanOrEqual(100);
    expect(await consumerBus.healthy()).toBe(true);
    await publisher.close();
    await consumerBus.close();
  }, 90_000);

  test('a durable consumer survives kill -9 of nats-server', async () => {
    const id = `cp-${randomBytes(4).toString('hex')}`;
    const subject = subjects.event(id, 'StatusNotification');
    const bus = await NatsBus.connect({ servers: server.url, name: 'kill' });
    for (let n = 0; n < 10; n++) await bus.publishDurable(subject, n, { msgId: `${id}:${n}` });
    await server.kill();
    await server.restart();
    const got = new Set<number>();
    await bus.consume<number>({ durable: `kill-${id}`, filterSubjects: [subject] }, async (b) => void b.forEach((m) => got.add(m.data)));
    await waitFor(() => got.size === 10, 'all 10 after kill -9', 60_000);
    await bus.close();
  }, 90_000);
});
