import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { WebSocket } from 'ws';
import type { Bus } from '#csms/bus';
import type { CallRouter } from '../routing/call-router.js';
import { ChargerSession } from '../session/charger-session.js';
import type { SessionRegistry } from '../session/session-registry.js';
import { ChargerSocketServer } from './charger-socket-server.js';

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
