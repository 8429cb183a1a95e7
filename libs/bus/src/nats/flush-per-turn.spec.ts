import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { flushOncePerTurn } from './flush-per-turn.js';

/** Just enough of a NATS server for the real client: INFO on connect, PONG for each PING, every PUB line kept. */
function fakeNatsServer(): Promise<{ server: Server; url: string; published: string[]; sockets: Socket[] }> {
  const published: string[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.write(`INFO ${JSON.stringify({ server_id: 'fake', version: '2.10.0', proto: 1, max_payload: 1_048_576, headers: true })}\r\n`);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (line === 'PING') socket.write('PONG\r\n');
        else if (line.startsWith('PUB ')) published.push(line.split(' ')[1]);
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `127.0.0.1:${(server.address() as AddressInfo).port}`, published, sockets })),
  );
}

/** Counts the client's socket writes (its transport's `send`). */
function countWrites(nc: NatsConnection): { count: number } {
  const transport = (nc as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol.transport;
  const counter = { count: 0 };
  const send = transport.send.bind(transport);
  transport.send = (frame: Uint8Array) => {
    counter.count++;
    send(frame);
  };
  return counter;
}

/** Five publishes from five timer callbacks of one timers phase: each callback ends in its own microtask checkpoint. */
async function publishFromFiveCallbacks(nc: NatsConnection, prefix: string): Promise<void> {
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 5; i++) setTimeout(() => nc.publish(`${prefix}.${i}`, 'x'), 0);
    setTimeout(() => setImmediate(resolve), 0);
  });
}

describe('flushOncePerTurn', () => {
  let fake: Awaited<ReturnType<typeof fakeNatsServer>>;
  const connections: NatsConnection[] = [];

  beforeEach(async () => {
    fake = await fakeNatsServer();
  });

  afterEach(async () => {
    for (const nc of connections.splice(0)) await nc.close().catch(() => undefined);
    for (const s of fake.sockets) s.destroy();
    await new Promise((resolve) => fake.server.close(resolve));
  });

  async function client(): Promise<NatsConnection> {
    const nc = await connect({ servers: fake.url, reconnect: false });
    connections.push(nc);
    return nc;
  }

  it('sends the publishes of several I/O-like callbacks of one turn in one write, in order', async () => {
    const nc = await client();
    expect(flushOncePerTurn(nc, { warn: () => undefined })).toBe(true);
    const writes = countWrites(nc);
    await publishFromFiveCallbacks(nc, 'turn');
    expect(writes.count).toBe(1);
    await nc.flush();
    expect(fake.published).toEqual(['turn.0', 'turn.1', 'turn.2', 'turn.3', 'turn.4']);
  });

  it('is what changes the count: the client as it ships writes once per callback', async () => {
    const nc = await client();
    const writes = countWrites(nc);
    await publishFromFiveCallbacks(nc, 'shipped');
    expect(writes.count).toBe(5);
  });

  it('still writes a flush (PING) at once, and a buffer past the client limit inline', async () => {
    const nc = await client();
    flushOncePerTurn(nc, { warn: () => undefined });
    const writes = countWrites(nc);
    await nc.flush(); // answered by the PONG, so the PING went out without waiting for anything else
    expect(writes.count).toBe(1);
    const limit = (nc as unknown as { protocol: { pendingLimit: number } }).protocol.pendingLimit;
    nc.publish('big', new Uint8Array(limit));
    expect(writes.count).toBe(1); // first command of the turn: waits for the check phase
    nc.publish('big', new Uint8Array(limit));
    expect(writes.count).toBe(2); // past the limit: written inline
    await nc.flush();
    expect(fake.published).toEqual(['big', 'big']);
  });

  it('changes nothing on a client of another shape, and says so', async () => {
    const warnings: string[] = [];
    const other = { protocol: { sendCommand: () => undefined } } as unknown as NatsConnection;
    expect(flushOncePerTurn(other, { warn: (m: string) => warnings.push(m) })).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});
