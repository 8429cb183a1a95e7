import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Logger } from '@nestjs/common';
import { WebSocketServer, type WebSocket } from 'ws';
import { ask, NoRespondersError, RequestTimeoutError, type Bus, type ConnectAuthReply, type ConnectAuthRequest } from '#csms/bus';
import { gatewayMetrics } from '../metrics/gateway-metrics.js';
import type { CallRouter } from '../routing/call-router.js';
import { ChargerSession, type SessionLimits } from '../session/charger-session.js';
import type { SessionRegistry } from '../session/session-registry.js';
import { ChargerTlsReloader, readChargerTls } from './tls-reloader.js';
import { identityFromPath, parseBasicAuth, selectSubprotocol } from './upgrade-request.js';
import { ROOT_CONTEXT, SpanKind, inSpan } from '#csms/tracing';
import * as auth from '#csms/auth/verbs';

export interface ChargerSocketOptions extends SessionLimits {
  port: number;
  host?: string;
  pathPrefix: string;
  maxFrameBytes: number;
  tls?: { certFile: string; keyFile: string; caFile?: string };
}

const AUTH_TIMEOUT_MS = 5_000;
/** A draining socket waits for its in-flight CALLs about its slot of the window: at least this, at most the max, never past the window. */
const MIN_SETTLE_WAIT_MS = 100;
const MAX_SETTLE_WAIT_MS = 2_000;

/**
 * Connections the kernel may hold completed for us before we accept them. Node's default is 511; a fleet coming
 * back after an outage sends thousands of connects a second, and every one past a full queue loses its handshake's
 * last packet and waits for the kernel to send SYN-ACK again (1 s, then 2 s, 4 s, ...), or is reset. The kernel
 * caps this at `net.core.somaxconn` (4096 by default since Linux 5.4), so that sysctl is the one knob
 * (docs/deploy.md#connection-storms).
 */
export const LISTEN_BACKLOG = 65_535;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Terminates charger WebSockets. The upgrade is decided by the auth service over the bus before the
 * handshake completes (401 bad credentials, 404 unknown identity), so a refused charger never gets a socket.
 */
export class ChargerSocketServer {
  private readonly log = new Logger('ChargerSocketServer');
  private server?: Server;
  private tlsReloader?: ChargerTlsReloader;
  private readonly wss: WebSocketServer;
  private accepting = true;

  constructor(
    private readonly options: ChargerSocketOptions,
    private readonly bus: Bus,
    private readonly registry: SessionRegistry,
    private readonly router: CallRouter,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes,
      // Off by default: compression costs memory per socket, which matters at tens of thousands of chargers.
      perMessageDeflate: false,
      handleProtocols: (offered) => selectSubprotocol(offered),
    });
  }

  async listen(): Promise<number> {
    const tls = this.options.tls;
    const https = tls && createHttpsServer({ ...readChargerTls(tls), ...(tls.caFile ? { requestCert: true, rejectUnauthorized: false } : {}) });
    const server = https || createHttpServer();
    // cert-manager renews the certificate in place: new handshakes get the new one.
    if (https && tls) this.tlsReloader = new ChargerTlsReloader(https, tls).start();
    server.on('request', (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
      res.end('OCPP 1.6J: connect with a WebSocket to /<charge point identity>\n');
    });
    // A connection attempt is a trace of its own: the auth decision, the session's start and their log lines.
    server.on(
      'upgrade',
      (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        void inSpan('ocpp connect', { parent: ROOT_CONTEXT, kind: SpanKind.SERVER }, () => this.onUpgrade(req, socket, head)),
    );
    server.on('clientError', (_err, socket) => socket.destroy());
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.options.port, host: this.options.host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', destroyOnError);
    if (!this.accepting) return refuse(socket, 503, 'shutting down');
    const id = identityFromPath(req.url, this.options.pathPrefix);
    if (!id.ok) return this.refuseCounted(socket, id.status, id.reason);
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    const tlsSocket = req.socket as TLSSocket;
    const isTls = Boolean(tlsSocket.encrypted);
    const cert = isTls && tlsSocket.authorized ? tlsSocket.getPeerCertificate() : undefined;
    const basic = parseBasicAuth(req.headers.authorization);
    const question: ConnectAuthRequest = {
      chargerId: id.identity,
      remoteAddress,
      tls: isTls,
      ...(basic ? { basic: { username: basic.username, passwordBase64: basic.password.toString('base64') } } : {}),
      ...(cert?.subject ? { clientCertificateCN: stringOf(cert.subject.CN), clientCertificateO: stringOf(cert.subject.O) } : {}),
    };
    let decision: ConnectAuthReply;
    try {
      decision = await ask(this.bus, auth.connect, question, { timeoutMs: AUTH_TIMEOUT_MS });
    } catch (err) {
      const why =
        err instanceof NoRespondersError ? 'auth service not running' : err instanceof RequestTimeoutError ? 'auth service timed out' : (err as Error).message;
      this.log.warn(`upgrade for ${id.identity} from ${remoteAddress}: ${why}`);
      return this.refuseCounted(socket, 503, 'authentication unavailable');
    }
    switch (decision.decision) {
      case 'unauthorized':
        return this.refuseCounted(socket, 401, decision.reason, { 'WWW-Authenticate': 'Basic realm="OCPP", charset="UTF-8"' });
      case 'unknown':
        return this.refuseCounted(socket, 404, decision.reason);
      case 'throttled':
        return this.refuseCounted(socket, 429, decision.reason, { 'Retry-After': String(decision.retryAfterSeconds) });
      case 'accept':
        break;
    }
    if (socket.destroyed) return;
    this.upgrade(req, socket, head, decision.chargerId, remoteAddress);
  }

  // Its own method: a closure made in onUpgrade would share (and keep, as long as ws holds it) onUpgrade's
  // whole context, the auth question and decision included.
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, chargerId: string, remoteAddress: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => void this.onOpen(ws, chargerId, remoteAddress));
  }

  private async onOpen(ws: WebSocket, chargerId: string, remoteAddress: string): Promise<void> {
    if (ws.protocol !== 'ocpp1.6') {
      // OCPP-J §3.1.2: none of the offered subprotocols is supported: complete the handshake, then close.
      ws.close(1002, 'subprotocol ocpp1.6 required');
      return;
    }
    const session = new ChargerSession(chargerId, remoteAddress, ws, this.router, this.options);
    session.start();
    await this.registry.add(session);
  }

  private refuseCounted(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
    gatewayMetrics.authFailures.inc({ status: String(status) });
    refuse(socket, status, reason, headers);
  }

  /**
   * Stops new upgrades, then closes every socket with 1012 spread over the window so the fleet does not
   * reconnect at once. Each socket has its own slot in the window and waits there, in parallel with the
   * others, for the CALLs it already sent us to be answered (about one slot long); nothing waits past the
   * window's end. An unanswered CALL is safe to cut: the charger sends it again on another gateway. (Waiting
   * for each socket in turn made a 10 s window last 130 s for 327 busy chargers: docs/deploy.md.)
   */
  async drain(windowMs: number): Promise<void> {
    this.accepting = false;
    const sessions = this.registry.all();
    const end = Date.now() + windowMs;
    const step = sessions.length > 1 ? windowMs / sessions.length : 0;
    await Promise.all(
      sessions.map(async (session, i) => {
        if (i > 0 && step > 0) await sleep(i * step);
        // Waiting longer than its slot would pile the closes up at the window's end when the services are slow.
        const wait = Math.min(MAX_SETTLE_WAIT_MS, Math.max(step, MIN_SETTLE_WAIT_MS), Math.max(0, end - Date.now()));
        await Promise.race([session.settled(), sleep(wait)]);
        session.close(1012, 'service restart');
      }),
    );
  }

  async close(): Promise<void> {
    this.accepting = false;
    this.tlsReloader?.close();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function stringOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/**
 * A socket error before or during the upgrade ends the socket. One function for every socket, called with the socket
 * as `this`: the listener stays on the socket for its whole life, and a closure would keep what it closed over.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

function refuse(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
}
