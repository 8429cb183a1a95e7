import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long the HTTP API keeps a connection that is not doing anything (API_*_TIMEOUT_MS). */
export interface HttpTimeouts {
  /** Idle time after a response before a keep-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Time to receive a request's headers; also the longest a new connection may stay silent. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body). */
  requestTimeoutMs: number;
}

/**
 * Idle API connections time out (docs/reference/design-decisions.md#idle-api-connections), while long responses keep working.
 *
 * Node's own limits (v20): `requestTimeout` and `headersTimeout` bound *receiving* a request, not the
 * response, so an event stream (`text/event-stream`, open for hours) is untouched by them;
 * `keepAliveTimeout` closes a connection idle between requests. Node 20 also answers 408 to a connection
 * that sends nothing within headersTimeout (its periodic connection check); a plain timer per connection
 * backs that up without depending on Node's internal check: a connection silent a little longer than
 * `headersTimeoutMs` is destroyed, and the timer is lifted when its first request arrives.
 * `server.timeout` (socket inactivity during a response) stays 0: a quiet event stream is not idle.
 */
export function applyHttpTimeouts(server: Server, t: HttpTimeouts): void {
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  // Node wants headersTimeout <= requestTimeout (it refuses the reverse at listen).
  server.headersTimeout = Math.min(t.headersTimeoutMs, t.requestTimeoutMs);
  server.requestTimeout = t.requestTimeoutMs;
  // Check the two receive limits often enough to honour them to within about a second.
  const checking = Math.max(250, Math.min(1_000, Math.floor(server.headersTimeout / 4)));
  (server as Server & { connectionsCheckingInterval?: number }).connectionsCheckingInterval = checking;
  // One checking interval later than headersTimeout, so a request that started gets Node's 408 instead. A
  // plain timer, not socket.setTimeout: a 'timeout' listener anywhere on the server would disarm that one.
  const silentLimitMs = server.headersTimeout + checking;
  const silent = new WeakMap<object, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), silentLimitMs);
    timer.unref();
    silent.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (req: IncomingMessage) => clearTimeout(silent.get(req.socket)));
}
