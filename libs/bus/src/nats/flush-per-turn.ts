import type { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { busLog } from '../bus-log.js';

/**
 * What `flushOncePerTurn` replaces: the NATS client's protocol handler as @nats-io/nats-core 3.x builds it. Not part
 * of its typed API, so every member is checked before anything is changed.
 */
interface ProtocolHandler {
  outbound: { length(): number; size(): number; fill(data: Uint8Array, ...payloads: Uint8Array[]): void };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

function protocolOf(nc: NatsConnection): ProtocolHandler | undefined {
  const p = (nc as unknown as { protocol?: Partial<ProtocolHandler> }).protocol;
  const out = p?.outbound;
  const fits =
    typeof p?.sendCommand === 'function' &&
    typeof p.flushPending === 'function' &&
    typeof p.pendingLimit === 'number' &&
    typeof out?.length === 'function' &&
    typeof out.size === 'function' &&
    typeof out.fill === 'function';
  return fits ? (p as ProtocolHandler) : undefined;
}

const utf8 = new TextEncoder();

/**
 * One socket write per event-loop turn for everything this connection sends, not one per I/O callback.
 *
 * The client writes its outbound buffer one microtask after the first command put in it. Each charger frame, HTTP
 * request and database answer is its own I/O callback with its own microtask checkpoint, so under load nearly every
 * publish, request and reply paid a `write` of its own; on loopback a write also runs the receiver's TCP work and
 * wakes nats-server, on a machine whose two cores are already full (docs/benchmarks.md#one-nats-write-per-turn).
 * Here the flush waits for the turn's check phase (`setImmediate`, after the poll phase handled every socket that was
 * ready) instead: the same buffer, the same order, one write. An idle process still sends at once (the same turn);
 * a buffer past the client's own limit is still written inline, and `flush()` (PING) still writes at once.
 *
 * Returns false, changing nothing, when the client is not the shape this was written against (a new major version):
 * the connection then works as the library ships it, only with more writes.
 */
export function flushOncePerTurn(nc: NatsConnection, log: Pick<Logger, 'warn'> = busLog): boolean {
  const protocol = protocolOf(nc);
  if (!protocol) {
    log.warn('the NATS client is not the version its write coalescing was written for: one write per publish, as it ships');
    return false;
  }
  protocol.sendCommand = function sendCommand(this: ProtocolHandler, cmd: string | Uint8Array, ...payloads: Uint8Array[]): void {
    const wasEmpty = this.outbound.length() === 0;
    this.outbound.fill(typeof cmd === 'string' ? utf8.encode(cmd) : cmd, ...payloads);
    if (wasEmpty) setImmediate(() => this.flushPending());
    else if (this.outbound.size() >= this.pendingLimit) this.flushPending();
  };
  return true;
}
