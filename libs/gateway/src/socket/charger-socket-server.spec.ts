import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import type { WebSocket } from 'ws';
import type { Bus } from '#csms/bus';
import type { CallRouter } from '../routing/call-router.js';
import { ChargerSession } from '../session/charger-session.js';
import type { SessionRegistry } from '../session/session-registry.js';
import { ChargerSocketServer, LISTEN_BACKLOG } from './charger-socket-server.js';

/** A socket that records how it was closed. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  closedWith?: number;
  send(): void {}
  ping(): void {}
  close(code: number): void {
    if (this.readyState !== 1) return;
    this.readyState = 3;
    this.closedWith = code;
  }
  terminate(): void {
    this.close(1006);
  }
}

const limits = { commandTimeoutMs: 5_000, pingIntervalMs: 600_000, badFramesPerMinute: 20, maxSendBufferBytes: 1 << 20 };

describe('ChargerSocketServer.drain', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('every socket is closed with 1012 within the window, even when each has a CALL that is never answered', async () => {
    // Each charger sent a CALL whose answer never comes (a slow service): its session never settles.
    const stuck = { route: () => new Promise(() => undefined) } as unknown as CallRouter;
    const sockets = Array.from({ length: 50 }, () => new FakeSocket());
    const sessions = sockets.map((ws, i) => {
      const s = new ChargerSession(`CP-${i}`, '127.0.0.1', ws as unknown as WebSocket, stuck, limits);
      s.start();
      ws.emit('message', Buffer.from(JSON.stringify([2, `m${i}`, 'Heartbeat', {}])), false);
      return s;
    });
    const registry = { all: () => sessions } as unknown as SessionRegistry;
    const server = new ChargerSocketServer({ ...limits, port: 0, pathPrefix: '', maxFrameBytes: 1 << 20 }, {} as Bus, registry, stuck);

    let drained = false;
    void server.drain(1_000).then(() => (drained = true));
    // Spread over the window: half way through, about half are closed...
    await jest.advanceTimersByTimeAsync(500);
    const halfWay = sockets.filter((s) => s.closedWith !== undefined).length;
    expect(halfWay).toBeGreaterThan(0);
    expect(halfWay).toBeLessThan(50);
    // ...and at the window's end all of them, with 1012.
    await jest.advanceTimersByTimeAsync(500);
    expect(sockets.map((s) => s.closedWith)).toEqual(Array(50).fill(1012));
    expect(drained).toBe(true);
  });
});

describe('ChargerSocketServer.listen', () => {
  test("asks for the largest accept queue the kernel allows, not Node's 511 (a reconnect storm overflows that)", async () => {
    const registry = { all: () => [] } as unknown as SessionRegistry;
    const server = new ChargerSocketServer(
      { ...limits, port: 0, host: '127.0.0.1', pathPrefix: '', maxFrameBytes: 1 << 20 },
      {} as Bus,
      registry,
      {} as CallRouter,
    );
    const port = await server.listen();
    try {
      // spawnSync blocks this process, so nothing is accepted while the child connects: every connect that completes
      // sits in the kernel's accept queue, which holds one more than the backlog (capped at somaxconn).
      const attempts = 700;
      const child = spawnSync(process.execPath, ['-e', CONNECT_MANY, String(port), String(attempts)], { encoding: 'utf8', timeout: 30_000 });
      const connected = Number(child.stdout.trim());
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      expect(connected).toBe(Math.min(attempts, Math.min(LISTEN_BACKLOG, somaxconn) + 1));
      if (somaxconn >= attempts) expect(connected).toBeGreaterThan(512);
    } finally {
      await server.close();
    }
  });
});

/** Opens `attempts` connections to 127.0.0.1:`port` and prints how many completed within 2 s of the last opening. */
const CONNECT_MANY = `
const net = require('node:net');
const [port, attempts] = process.argv.slice(1).map(Number);
let connected = 0;
for (let i = 0; i < attempts; i++) net.connect(port, '127.0.0.1').on('connect', () => connected++).on('error', () => undefined);
setTimeout(() => { process.stdout.write(String(connected)); process.exit(0); }, 2000);
`;
