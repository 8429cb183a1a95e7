import { describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { streamReaderContract } from '../test-support/stream-reader-contract.js';
import { NatsBus } from './nats-bus.js';

describeInfra('Bus.readStream on a real nats-server', () => {
  let server: NatsServerHandle;
  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
  });
  afterAll(async () => {
    await server?.dispose();
  });
  streamReaderContract('NatsBus', () => NatsBus.connect({ servers: server.url, name: 'reader' }));
});
