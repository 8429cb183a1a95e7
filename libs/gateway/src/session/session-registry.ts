import { Logger } from '@nestjs/common';
import { subjects, type Bus, type CommandReply, type CommandRequest, type ConnectionEvent, type SeenBatch, type Subscription } from '#csms/bus';
import { gatewayMetrics } from '../metrics/gateway-metrics.js';
import type { ChargerSession } from './charger-session.js';

const SEEN_FLUSH_MS = 15_000;

/**
 * The sockets this gateway holds, one per identity. The newest socket wins (OCPP16-NOTES §2): locally
 * the older session is closed at once; across gateways every gateway listens to connection events and
 * closes its own session when a newer one for the same identity opened elsewhere.
 */
export class SessionRegistry {
  private readonly log = new Logger('SessionRegistry');
  private readonly sessions = new Map<string, ChargerSession>();
  private readonly commandSubs = new Map<string, Subscription>();
  private connectionSub?: Subscription;
  private seenTimer?: NodeJS.Timeout;

  constructor(private readonly bus: Bus, private readonly gatewayId: string) {}

  async start(): Promise<void> {
    this.connectionSub = await this.bus.subscribe<ConnectionEvent>(subjects.allConnections, (event) => this.onConnectionEvent(event));
    this.seenTimer = setInterval(() => void this.flushSeen(), SEEN_FLUSH_MS);
    this.seenTimer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(chargerId: string): ChargerSession | undefined {
    return this.sessions.get(chargerId);
  }

  all(): ChargerSession[] {
    return [...this.sessions.values()];
  }

  async add(session: ChargerSession): Promise<void> {
    const older = this.sessions.get(session.chargerId);
    this.sessions.set(session.chargerId, session);
    gatewayMetrics.connectedChargers.set(this.sessions.size);
    if (older) older.close(1000, 'replaced by a newer connection');
    session.onClose((code, reason) => void this.removed(session, code, reason));
    if (!this.commandSubs.has(session.chargerId)) {
      const sub = await this.bus.serve<CommandRequest, CommandReply>(subjects.command(session.chargerId), (request) => this.execute(session.chargerId, request));
      this.commandSubs.set(session.chargerId, sub);
    }
    await this.announce(session, { state: 'connected' });
  }

  private async execute(chargerId: string, request: CommandRequest): Promise<CommandReply> {
    const session = this.sessions.get(chargerId);
    if (!session || !session.isOpen) return { status: 'not-connected' };
    return session.execute(request);
  }

  private async removed(session: ChargerSession, code: number, reason: string): Promise<void> {
    if (this.sessions.get(session.chargerId) === session) {
      this.sessions.delete(session.chargerId);
      gatewayMetrics.connectedChargers.set(this.sessions.size);
      const sub = this.commandSubs.get(session.chargerId);
      this.commandSubs.delete(session.chargerId);
      await sub?.unsubscribe().catch(() => undefined);
    }
    await this.announce(session, { state: 'disconnected', code, reason });
  }

  private async announce(session: ChargerSession, change: Pick<ConnectionEvent, 'state' | 'code' | 'reason'>): Promise<void> {
    const event: ConnectionEvent = {
      chargerId: session.chargerId,
      gatewayId: this.gatewayId,
      sessionId: session.sessionId,
      at: change.state === 'connected' ? session.connectedAt.toISOString() : new Date().toISOString(),
      remoteAddress: session.remoteAddress,
      ...change,
    };
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await this.bus.publishDurable(subjects.connection(session.chargerId), event, { msgId: `${session.sessionId}:${change.state}` });
        return;
      } catch (err) {
        if (attempt === 5) this.log.error(`${session.chargerId}: ${change.state} event not stored: ${(err as Error).message}`);
        else await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private onConnectionEvent(event: ConnectionEvent): void {
    if (event.state !== 'connected') return;
    const mine = this.sessions.get(event.chargerId);
    if (!mine || mine.sessionId === event.sessionId) return;
    // Ties broken by session id so two gateways never both close (or both keep) their socket.
    const theirs = Date.parse(event.at);
    const ours = mine.connectedAt.getTime();
    if (theirs > ours || (theirs === ours && event.sessionId > mine.sessionId)) {
      this.log.log(`${event.chargerId}: newer connection on ${event.gatewayId}, closing the one here`);
      mine.close(1000, 'replaced by a newer connection');
    }
  }

  private async flushSeen(): Promise<void> {
    if (this.sessions.size === 0) return;
    const seen: Record<string, string> = {};
    for (const s of this.sessions.values()) seen[s.chargerId] = s.lastSeen.toISOString();
    const batch: SeenBatch = { gatewayId: this.gatewayId, seen };
    await this.bus.publish(subjects.seen, batch).catch((err: Error) => this.log.warn(`seen batch not sent: ${err.message}`));
  }

  async stop(): Promise<void> {
    clearInterval(this.seenTimer);
    await this.flushSeen();
    await this.connectionSub?.unsubscribe().catch(() => undefined);
    for (const sub of this.commandSubs.values()) await sub.unsubscribe().catch(() => undefined);
    this.commandSubs.clear();
  }
}
