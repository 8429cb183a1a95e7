/**
 * One client of GET /api/v1/events: reads the events stream from its sequence and writes Server-Sent Events.
 *
 * Memory per client is bounded: what the socket has not taken yet stays in the response's buffer, and a
 * client whose buffer would pass EVENTS_CLIENT_BUFFER_BYTES is cut off (the socket is reset, so the kernel
 * drops what it held too). While catching up (the reader says more messages are stored) the session waits for
 * the socket to drain instead of filling the buffer, so a replay goes at the client's pace; a client that does
 * not drain within EVENTS_CLIENT_STALL_S is cut off as well. Live, nothing waits: a client slower than the
 * fleet fills its buffer and is cut off. Either way it reconnects with Last-Event-ID and misses nothing.
 */
import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import type { StreamReader } from '#csms/bus';
import { eventsMetrics } from './events-metrics.js';
import type { LiveEventFilter } from './live-event-filter.js';
import { toLiveEvent, type LiveEvent } from './live-event.js';
import { PowerThrottle } from './power-throttle.js';

export interface LiveEventLimits {
  heartbeatMs: number;
  clientBufferBytes: number;
  clientStallMs: number;
  powerIntervalMs: number;
}

/** What EventSource waits before reconnecting after the stream ends (the SSE `retry` field). */
const RETRY_MS = 2_000;

export function sseFrame(e: LiveEvent, withId = true): string {
  return `${withId ? `id: ${e.seq}\n` : ''}event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export class LiveEventSession {
  private ended = false;
  private readonly throttle: PowerThrottle;
  private heartbeat?: NodeJS.Timeout;
  private releaser?: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly reader: StreamReader,
    private readonly filter: LiveEventFilter,
    private readonly limits: LiveEventLimits,
    private readonly log: Pick<Logger, 'warn' | 'debug'> = new Logger('LiveEvents'),
  ) {
    this.throttle = new PowerThrottle(limits.powerIntervalMs);
  }

  /** Streams until the client leaves, is cut off, or the reader fails. Never rejects. */
  async run(): Promise<void> {
    const { res } = this;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx (and ingress-nginx) would otherwise buffer the stream (docs/api-events.md, proxies)
      'X-Accel-Buffering': 'no',
    });
    eventsMetrics.clients.inc();
    res.on('close', () => void this.end());
    res.socket?.setNoDelay(true);
    this.write(`retry: ${RETRY_MS}\n: live events\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.limits.heartbeatMs);
    if (this.limits.powerIntervalMs > 0) {
      this.releaser = setInterval(() => {
        // released readings carry no id: their sequence is behind events already sent, and resuming from it would repeat those
        for (const e of this.throttle.release()) if (this.write(sseFrame(e, false))) eventsMetrics.sent.inc({ type: e.type });
      }, this.limits.powerIntervalMs);
    }
    try {
      for await (const m of this.reader) {
        if (this.ended) break;
        const raw = toLiveEvent(m);
        const e = raw && this.filter.accepts(raw) ? (raw.type === 'power' ? this.throttle.offer(raw) : raw) : undefined;
        if (e) {
          if (!this.write(sseFrame(e))) break;
          eventsMetrics.sent.inc({ type: e.type });
        }
        if (m.pending > 0 && res.writableNeedDrain && !(await this.drained())) break;
      }
    } catch (err) {
      if (!this.ended) {
        eventsMetrics.failed.inc();
        this.log.warn(`event stream ended: reading the events stream failed (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    // The reader ended without the client leaving (bus closing): end the response; the client reconnects.
    if (!this.ended) res.end();
    await this.end();
  }

  /**
   * Ends the stream cleanly (the gateway is shutting down): the client reconnects, to another replica, with
   * Last-Event-ID. Open streams would otherwise hold the HTTP server's close open until the pod is killed.
   */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.res.end();
    await this.end();
  }

  /** Writes unless that would pass the client's buffer limit, in which case the client is cut off. */
  private write(text: string): boolean {
    if (this.ended) return false;
    if (this.res.writableLength + Buffer.byteLength(text) > this.limits.clientBufferBytes) {
      this.cutOff('buffer');
      return false;
    }
    this.res.write(text);
    return true;
  }

  /** Waits for the socket to take the buffer while catching up; false when the client left or stalled (cut off). */
  private drained(): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      const timer = setTimeout(() => {
        this.cutOff('stall');
        done(false);
      }, this.limits.clientStallMs);
      this.res.once('drain', onDrain);
      this.res.once('close', onClose);
    });
  }

  private cutOff(reason: 'buffer' | 'stall'): void {
    if (this.ended) return;
    eventsMetrics.cutOff.inc({ reason });
    this.log.debug(`event-stream client cut off (${reason}): it resumes with Last-Event-ID`);
    const socket = this.res.socket;
    // A reset drops what the kernel still holds for this client as well; end() would wait for it to read.
    if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else this.res.destroy();
    void this.end();
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    clearInterval(this.releaser);
    eventsMetrics.clients.dec();
    await this.reader.close().catch(() => undefined);
  }
}
