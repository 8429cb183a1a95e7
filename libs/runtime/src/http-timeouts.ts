import type { Server } from 'node:http';

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
 * Idle API connections time out (issue 14 §7), while long responses keep working.
 *
 * Node's own limits (v20): `requestTimeout` and `headersTimeout` bound *receiving* a request, not the
 * response, so an event stream (`text/event-stream`, open for hours) is untouched by them;
 * `keepAliveTimeout` closes a connection idle between requests. None of them covers a connection that
 * never sends a byte: the parser only starts its clock at the first byte, so such a socket stayed open
 * forever. That case gets a socket idle timeout of `headersTimeoutMs`, lifted as soon as a request
 * arrives (Node then manages the socket's timeout itself, with keepAliveTimeout between requests).
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
  // One checking interval later than headersTimeout, so a request that started gets Node's 408 instead.
  server.on('connection', (socket) => socket.setTimeout(server.headersTimeout + checking));
  server.on('request', (req) => req.socket.setTimeout(0));
}
