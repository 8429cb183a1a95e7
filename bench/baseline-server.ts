/**
 * The baselines, each run as its own process (fork) so its RSS and event loop are its own:
 *  - bare:    a plain `ws` server: JSON.parse each frame, answer [3,id,{...}].
 *  - bare-js: the same, but MeterValues (and the other notifications) are published to JetStream and
 *             answered only after JetStream acked them, as our gateway does.
 *  - ocpp-rpc: a minimal ocpp-rpc RPCServer in strict mode (the peer benchmark).
 * bare and bare-js also serve HTTP on the same port: POST /cmd/:id sends GetConfiguration to that charger
 * and answers with its CALLRESULT; GET /lag returns the event-loop delay p99 since the last call, GET /mem
 * the V8 heap in use.
 * argv: <mode> [natsUrl]. Reports { ready: true, port } over IPC.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, StorageType, RetentionPolicy, type JetStreamClient } from '@nats-io/jetstream';
import ocppRpc from 'ocpp-rpc';
import { centralAnswerFor } from './lib/ocpp-frames.js';

const mode = process.argv[2] ?? 'bare';
const natsUrl = process.argv[3];
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

const DURABLE = new Set(['MeterValues', 'StatusNotification', 'StopTransaction', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification']);

async function startBare(): Promise<number> {
  let js: JetStreamClient | undefined;
  if (mode === 'bare-js') {
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: 'BENCH',
      subjects: ['bench.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: 120_000_000_000,
    });
    js = jetstream(nc);
  }
  const sockets = new Map<string, WebSocket>();
  const commandWaiters = new Map<string, (payload: unknown) => void>();
  let cmdSeq = 0;
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/mem') {
      // Live objects only (forkScript runs the bench's scripts with --expose-gc): the density benchmark compares this
      // with ours after a full collection there too.
      (globalThis as { gc?: () => void }).gc?.();
      res.end(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
      return;
    }
    if (req.method === 'GET' && req.url === '/lag') {
      const p99 = lag.percentile(99) / 1e9;
      lag.reset();
      res.end(JSON.stringify({ p99 }));
      return;
    }
    const m = /^\/cmd\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'POST' && m) {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const ws = sockets.get(decodeURIComponent(m[1]));
        if (!ws) {
          res.statusCode = 404;
          res.end('{}');
          return;
        }
        const id = `c${++cmdSeq}`;
        const timer = setTimeout(() => (commandWaiters.delete(id), (res.statusCode = 504), res.end('{}')), 30_000);
        commandWaiters.set(id, (payload) => {
          clearTimeout(timer);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(payload));
        });
        ws.send(`[2,"${id}","GetConfiguration",${body || '{}'}]`);
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, handleProtocols: (p) => (p.has('ocpp1.6') ? 'ocpp1.6' : false) });
  wss.on('connection', (ws, req) => {
    const identity = decodeURIComponent((req.url ?? '/').split('/').pop() ?? '');
    sockets.set(identity, ws);
    ws.on('close', () => sockets.get(identity) === ws && sockets.delete(identity));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      let frame: unknown[];
      try {
        frame = JSON.parse(data.toString()) as unknown[];
      } catch {
        return;
      }
      if (frame[0] === 3) {
        const w = commandWaiters.get(String(frame[1]));
        if (w) {
          commandWaiters.delete(String(frame[1]));
          w(frame[2]);
        }
        return;
      }
      if (frame[0] !== 2) return;
      const [, id, action, payload] = frame as [number, string, string, unknown];
      const reply = (): void => ws.send(JSON.stringify([3, id, centralAnswerFor(action)]));
      if (js && DURABLE.has(action)) {
        js.publish(`bench.${action}.${identity}`, JSON.stringify(payload), { msgID: `${identity}:${id}` }).then(reply, () =>
          ws.send(JSON.stringify([4, id, 'InternalError', 'publish failed', {}])),
        );
      } else reply();
    });
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve((http.address() as { port: number }).port)));
}

async function startOcppRpc(): Promise<number> {
  const { RPCServer } = ocppRpc as unknown as { RPCServer: new (o: object) => RpcServerLike };
  const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  server.auth((accept) => accept({}));
  server.on('client', (client: RpcClientLike) => {
    client.handle('BootNotification', () => centralAnswerFor('BootNotification'));
    client.handle('Heartbeat', () => centralAnswerFor('Heartbeat'));
    client.handle('MeterValues', () => ({}));
  });
  const http = await server.listen(0, '127.0.0.1');
  return (http.address() as { port: number }).port;
}

// ocpp-rpc ships no types usable from ESM: the few members used here.
interface RpcClientLike {
  handle(method: string, fn: () => unknown): void;
}
interface RpcServerLike {
  auth(fn: (accept: (session: object) => void) => void): void;
  on(event: 'client', fn: (client: RpcClientLike) => void): void;
  listen(port: number, host: string): Promise<{ address(): unknown }>;
}

process.on('disconnect', () => process.exit(0));
(mode === 'ocpp-rpc' ? startOcppRpc() : startBare()).then(
  (port) => process.send?.({ ready: true, port }),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
