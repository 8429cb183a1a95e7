/** JetStreamPublisher against a real nats-server: what the stream answers, as the unit spec fakes it. */
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { NoRespondersError, type NatsConnection } from '@nats-io/nats-core';
import { describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { JetStreamPublisher, msgIdHeaders } from './jetstream-publisher.js';
import { ReplyMux } from './reply-mux.js';

describeInfra('JetStreamPublisher on a real nats-server', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.dispose();
  });

  test('stores a message once per Nats-Msg-Id, in publish order, and says no responders where no stream stores the subject', async () => {
    const stream = `PUB${randomBytes(4).toString('hex')}`;
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const mux = new ReplyMux(nc);
    const p = new JetStreamPublisher(mux);
    const payload = (n: number): Uint8Array => new TextEncoder().encode(String(n));
    await Promise.all(Array.from({ length: 50 }, (_, i) => p.publish(`${stream}.a`, payload(i), msgIdHeaders(`id-${i}`), 2_000)));
    await p.publish(`${stream}.a`, payload(7), msgIdHeaders('id-7'), 2_000);
    await expect(p.publish(`nostream${randomBytes(4).toString('hex')}`, payload(0), undefined, 2_000)).rejects.toBeInstanceOf(NoRespondersError);
    const info = await jsm.streams.info(stream);
    expect(info.state.messages).toBe(50);
    const first = await jsm.streams.getMessage(stream, { seq: 1 });
    const last = await jsm.streams.getMessage(stream, { seq: 50 });
    expect([first?.string(), last?.string()]).toEqual(['0', '49']);
    expect(mux.inFlight).toBe(0);
  });
});
