import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { applyHttpTimeouts } from './http-timeouts.js';

/** A raw TCP client: what it received, and when the server closed it. */
function client(port: number, send?: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  let data = '';
  const socket = connect(port, '127.0.0.1', () => send && socket.write(send));
  socket.on('data', (d) => (data += d.toString()));
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  return { socket, received: () => data, closed };
}

describe('HTTP API timeouts', () => {
  let server: Server;
  let port: number;
  let streamsEnded = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/stream') {
        // An event stream: open far longer than every receive limit, one event every 200 ms.
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        let n = 0;
        const timer = setInterval(() => {
          res.write(`data: ${++n}\n\n`);
          if (n === 10) {
            clearInterval(timer);
            streamsEnded++;
            res.end();
          }
        }, 200);
        return;
      }
      res.end('ok');
    });
    applyHttpTimeouts(server, { keepAliveTimeoutMs: 300, headersTimeoutMs: 400, requestTimeoutMs: 500 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('a connection that never sends a byte is closed', async () => {
    const c = client(port);
    await c.closed;
    // Closed by Node's headers check (408) or by the silent-socket timeout (nothing), whichever comes first.
    expect(c.received()).toMatch(/^(|HTTP\/1\.1 408[\s\S]*)$/);
  });

  test('a request whose headers never finish gets 408 and is closed', async () => {
    const c = client(port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  test('a keep-alive connection idle after its response is closed', async () => {
    const c = client(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
  });

  test('an event stream outlives every receive limit: all 10 events arrive on one open connection', async () => {
    const c = client(port, 'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.closed;
    expect(streamsEnded).toBe(1);
    const events = c.received().match(/data: \d+/g) ?? [];
    expect(events).toEqual(Array.from({ length: 10 }, (_, i) => `data: ${i + 1}`));
  });
});
