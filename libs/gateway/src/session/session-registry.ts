import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  parseCommandSubject,
  sendCommand,
  subjects,
  type Bus,
  type CommandOutcomeFact,
  type CommandReply,
  type CommandRequest,
  type ConnectionEvent,
  type SeenBatch,
  type Subscription,
} from '#csms/bus';
import { isReadOnlyAction } from '#csms/ocpp';
import { ROOT_CONTEXT, withContext } from '#csms/tracing';
import { gatewayMetrics } from '../metrics/gateway-metrics.js';
import type { ChargerSession, CommandExecution } from './charger-session.js';
import { CommandLedger } from './command-ledger.js';
import { SETTLED } from './settled.js';

/**
 * How often the last-seen times go out. Every 15 s made a quarter of a 10k fleet's pongs (pinged over the minute) one
 * burst of messages here and 2,500 rows to UPDATE in config-manager (one 70 ms turn in a CPU profile of the command
 * window); every 2 s it is about 330 chargers, one message and one small UPDATE (docs/benchmarks.md#pings-spread-over-the-interval).
 */
const SEEN_FLUSH_MS = 2_000;
/**
 * Chargers per last-seen message. One message for a whole fleet was one long turn of the event loop every
 * 15 s (10k timestamps and a 400 KB message, here and in the consumer), which every command waiting behind it
 * paid for (docs/benchmarks.md#the-call-and-request-paths-on-2026-11-28).
 */
export const SEEN_BATCH_MAX = 1_000;
/** Queue group of every gateway's command subscriptions: one request reaches one gateway. */
const COMMAND_QUEUE = 'gateway-commands';
/** Longer than the longest command (600 s, the API's and COMMAND_TIMEOUT_MS's upper bound), with margin. */
const COMMAND_LEDGER_TTL_MS = 15 * 60_000;
const SUBSCRIBE_RETRY_MS = 1_000;
/** Outcomes after which the charger may have done something: these become CommandOutcome facts. */
const EXECUTED: ReadonlySet<CommandReply['status']> = new Set(['ok', 'callerror', 'timeout', 'connection-lost']);

/**
 * One charger's presence on this gateway: the socket that holds the identity now, and the one command
 * subscription that belongs to the presence, not to any socket. Sockets attach and detach; the
 * subscription follows "is there a holder" through one serialized chain of subscribe/unsubscribe steps,
 * so overlapping connects, closes and takeovers can never leave two subscriptions or an orphan.
 */
class ChargerPresence {
  holder?: ChargerSession;
  subscription?: Subscription;
  /** The last-seen time last sent for this charger (epoch ms): only a later one is sent again. */
  reportedSeenAt = 0;
  /** Subscribe/unsubscribe steps queued or running; the presence is forgotten only at 0 with nothing held. */
  busy = 0;
  chain: Promise<void> = SETTLED;
  private waiters: Array<() => void> = [];

  constructor(readonly chargerId: string) {}

  get settledWithout(): boolean {
    return this.holder === undefined && this.subscription === undefined && this.busy === 0;
  }

  /** Resolves at the next change of holder or subscription. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * The sockets this gateway holds, one per identity, and their command subscriptions, one per identity.
 *
 * Newest socket wins (docs/reference/protocol-notes.md#newest-socket-wins): locally the older session is closed at once; across gateways
 * every gateway listens to connection events and closes its own session when a newer one for the same
 * identity opened elsewhere.
 *
 * Commands (docs/reference/design-decisions.md#commands, exactly one execution per command):
 * - The command subject is served in one queue group across gateways, so one request reaches one
 *   gateway, also during a takeover when two gateways briefly both hold a socket for the charger. The
 *   one that gets it sends on its socket; if that socket is the older one and closes, the caller gets
 *   `connection-lost` (outcome unknown), never a second execution elsewhere.
 * - A gateway that holds no open socket for the charger never sends and never answers "not connected"
 *   on its own (another gateway may hold the charger): it waits until its own subscription is gone, then
 *   asks the command subject again, so whoever holds the charger now answers, or nobody does
 *   ('not-connected', now true).
 * - Each gateway remembers the command ids it executed (CommandLedger): a repeated delivery gets the
 *   first outcome. We chose this over a ledger shared through JetStream because the queue group already
 *   gives one delivery per request; the local ledger covers retries that reach the same gateway.
 * - The socket that holds the identity answers; a command queued on a socket that closed before sending
 *   it moves to the newer socket, if there is one.
 */
export class SessionRegistry {
  private readonly log = new Logger('SessionRegistry');
  private readonly presences = new Map<string, ChargerPresence>();
  private readonly ledger = new CommandLedger<CommandReply>(COMMAND_LEDGER_TTL_MS);
  private connectionSub?: Subscription;
  private seenTimer?: NodeJS.Timeout;
  private stopped = false;
  private holders = 0;
  /** Presences with a subscription: counted, not walked, as the metric is set after every step of every charger. */
  private subscribed = 0;

  constructor(
    private readonly bus: Bus,
    private readonly gatewayId: string,
  ) {}

  /**
   * The handler of every charger's command subject, the charger read off the subject: one function for the
   * gateway, where a closure per subscription would be two objects more per connected charger.
   */
  private readonly commandHandler = async (request: CommandRequest, subject: string): Promise<CommandReply> => {
    const chargerId = parseCommandSubject(subject);
    if (chargerId === undefined) throw new Error(`not a command subject: ${subject}`);
    return this.onCommand(chargerId, request);
  };

  /** Every session's close listener (one function, not a closure per session). */
  private readonly sessionClosed = (code: number, reason: string, session: ChargerSession): void => void this.removed(session, code, reason);

  async start(): Promise<void> {
    this.connectionSub = await this.bus.subscribe<ConnectionEvent>(subjects.allConnections, (event) => this.onConnectionEvent(event));
    this.seenTimer = setInterval(() => void this.reportSeen(), SEEN_FLUSH_MS);
    this.seenTimer.unref();
  }

  /** Chargers held by a socket on this gateway. */
  get size(): number {
    return this.holders;
  }

  /** Command subscriptions this gateway holds now (one per held charger, once the steps settled). */
  get commandSubscriptions(): number {
    return this.subscribed;
  }

  get(chargerId: string): ChargerSession | undefined {
    return this.presences.get(chargerId)?.holder;
  }

  all(): ChargerSession[] {
    const out: ChargerSession[] = [];
    for (const p of this.presences.values()) if (p.holder) out.push(p.holder);
    return out;
  }

  /** Resolves once every charger's subscribe/unsubscribe steps have run (tests, drain). */
  async settled(): Promise<void> {
    await Promise.all([...this.presences.values()].map((p) => p.chain));
  }

  async add(session: ChargerSession): Promise<void> {
    // A socket that closed before it got here holds nothing.
    if (!session.isOpen) return;
    const presence = this.presenceOf(session.chargerId);
    const older = presence.holder;
    presence.holder = session;
    if (!older) this.holders++;
    gatewayMetrics.connectedChargers.set(this.holders);
    session.onClose(this.sessionClosed);
    if (older) older.close(1000, 'replaced by a newer connection');
    presence.notify();
    this.reconcile(presence);
    await this.announce(session, { state: 'connected' });
  }

  private presenceOf(chargerId: string): ChargerPresence {
    let presence = this.presences.get(chargerId);
    if (!presence) {
      presence = new ChargerPresence(chargerId);
      this.presences.set(chargerId, presence);
    }
    return presence;
  }

  private async removed(session: ChargerSession, code: number, reason: string): Promise<void> {
    const presence = this.presences.get(session.chargerId);
    if (presence?.holder === session) {
      presence.holder = undefined;
      this.holders--;
      gatewayMetrics.connectedChargers.set(this.holders);
      presence.notify();
      this.reconcile(presence);
    }
    await this.announce(session, { state: 'disconnected', code, reason });
  }

  /**
   * Queues one step that brings the subscription in line with the holder: subscribe when held and not
   * subscribed, unsubscribe when not held and subscribed. Steps of one charger never overlap, so an
   * unsubscribe still in flight is always finished before the next subscribe starts, and the one
   * `subscription` field is the only place a subscription lives.
   */
  private reconcile(presence: ChargerPresence): void {
    presence.busy++;
    presence.chain = presence.chain
      .then(async () => {
        const wanted = presence.holder !== undefined && !this.stopped;
        if (wanted && !presence.subscription) {
          try {
            // Outside the connect span: the subscription lives as long as the presence, and its promises would pin that span.
            presence.subscription = await withContext(ROOT_CONTEXT, () =>
              this.bus.serve<CommandRequest, CommandReply>(subjects.command(presence.chargerId), this.commandHandler, { queue: COMMAND_QUEUE }),
            );
            this.subscribed++;
          } catch (err) {
            this.log.error(`${presence.chargerId}: command subscription failed, retrying: ${(err as Error).message}`);
            setTimeout(() => this.reconcile(presence), SUBSCRIBE_RETRY_MS).unref();
          }
        } else if (!wanted && presence.subscription) {
          const sub = presence.subscription;
          presence.subscription = undefined;
          this.subscribed--;
          await sub.unsubscribe().catch((err: Error) => this.log.warn(`${presence.chargerId}: unsubscribe failed: ${err.message}`));
        }
      })
      .finally(() => {
        presence.busy--;
        if (presence.busy === 0) presence.chain = SETTLED;
        gatewayMetrics.commandSubscriptions.set(this.commandSubscriptions);
        if (presence.settledWithout && this.presences.get(presence.chargerId) === presence) this.presences.delete(presence.chargerId);
        presence.notify();
      });
  }

  /**
   * A command for a charger whose socket this gateway holds, run here without the bus round trip: the same path
   * (and ledger) as a request on its command subject, as if the queue group had picked this gateway. Undefined
   * when no open socket here holds the charger: then the command subject decides (docs/benchmarks.md#commands-one-hop).
   */
  runIfHeld(chargerId: string, request: CommandRequest & { commandId: string }): Promise<CommandReply> | undefined {
    if (this.stopped || !this.presences.get(chargerId)?.holder?.isOpen) return undefined;
    return this.onCommand(chargerId, request);
  }

  /**
   * A request on the charger's command subject. Executes at most once per commandId on this gateway.
   *
   * A delivery this gateway handed on itself (`handedOnBy`) that came back here is the continuation of the
   * execution its ledger entry waits for: it runs without the ledger, which would otherwise hand it that same
   * waiting entry and the command would wait on itself until its deadline.
   */
  private async onCommand(chargerId: string, request: CommandRequest): Promise<CommandReply> {
    const stamped = { ...request, commandId: request.commandId ?? randomUUID() };
    if (request.handedOnBy?.includes(this.gatewayId)) return this.executeHere(chargerId, stamped);
    const execute = () => this.executeHere(chargerId, stamped);
    const { outcome, duplicate } = this.ledger.run(stamped.commandId, execute, request.deadline, isReadOnlyAction(request.action));
    if (duplicate) gatewayMetrics.duplicateCommands.inc();
    return outcome;
  }

  /** Runs the command on the socket holding the charger; a command its socket never sent moves to a newer socket. */
  private async executeHere(chargerId: string, request: CommandRequest & { commandId: string }): Promise<CommandReply> {
    const startedAt = Date.now();
    for (;;) {
      const session = this.presences.get(chargerId)?.holder;
      if (!session?.isOpen) return this.handOn(chargerId, request);
      const execution = await session.execute(request);
      const moved = this.presences.get(chargerId)?.holder;
      if (execution.reply.status === 'not-connected' && moved !== undefined && moved !== session && moved.isOpen) continue;
      if (execution.reply.status === 'not-connected') return this.handOn(chargerId, request);
      if (EXECUTED.has(execution.reply.status)) this.recordOutcome(chargerId, session, request, execution, startedAt);
      return execution.reply;
    }
  }

  /**
   * This gateway holds no open socket for the charger (it just closed, or is closing): never send, never
   * claim "not connected" while another gateway may hold it. Wait until this gateway's own subscription
   * is gone (or a socket attached here again), then ask the command subject again: whoever holds the
   * charger answers, or nobody listens and the answer is 'not-connected'. Bounded by the caller's deadline.
   */
  private async handOn(chargerId: string, request: CommandRequest & { commandId: string }): Promise<CommandReply> {
    const deadline = request.deadline ?? Date.now() + (request.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    for (;;) {
      const presence = this.presences.get(chargerId);
      if (!presence || presence.settledWithout) break;
      // Still inside this command's ledger entry (onCommand): run it, do not ask the ledger again.
      if (presence.holder?.isOpen) return this.executeHere(chargerId, request);
      const left = deadline - Date.now();
      if (left <= 0) return { status: 'timeout' };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([presence.changed(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    if (this.stopped) return { status: 'not-connected' };
    if (deadline <= Date.now()) return { status: 'timeout' };
    return sendCommand(this.bus, chargerId, { ...request, deadline, handedOnBy: [...(request.handedOnBy ?? []), this.gatewayId] });
  }

  /** The CommandOutcome fact: what was sent, what came back, when. Published after the reply, with retries. */
  private recordOutcome(
    chargerId: string,
    session: ChargerSession,
    request: CommandRequest & { commandId: string },
    execution: CommandExecution,
    startedAt: number,
  ): void {
    const reply = execution.reply;
    const finished = Date.now();
    const fact: CommandOutcomeFact = {
      chargerId,
      commandId: request.commandId,
      action: request.action,
      payload: request.payload,
      ...(request.origin !== undefined ? { origin: request.origin } : {}),
      ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
      status: reply.status,
      ...(reply.status === 'ok' ? { result: reply.result } : {}),
      ...(reply.status === 'callerror' ? { error: { code: reply.code, description: reply.description } } : {}),
      ...(execution.sentAt ? { sentAt: execution.sentAt.toISOString() } : {}),
      finishedAt: new Date(finished).toISOString(),
      latencyMs: finished - startedAt,
      gatewayId: this.gatewayId,
      sessionId: session.sessionId,
    };
    void this.publishWithRetry(
      subjects.fact(chargerId, 'CommandOutcome'),
      fact,
      `cmd:${request.commandId}`,
      `${chargerId}: outcome of ${request.action} ${request.commandId}`,
    );
  }

  private async announce(session: ChargerSession, change: Pick<ConnectionEvent, 'state' | 'code' | 'reason'>): Promise<void> {
    const event: ConnectionEvent = {
      chargerId: session.chargerId,
      gatewayId: this.gatewayId,
      sessionId: session.sessionId,
      at: change.state === 'connected' ? new Date(session.connectedAtMs).toISOString() : new Date().toISOString(),
      remoteAddress: session.remoteAddress,
      ...change,
    };
    await this.publishWithRetry(
      subjects.connection(session.chargerId),
      event,
      `${session.sessionId}:${change.state}`,
      `${session.chargerId}: ${change.state} event`,
    );
  }

  private async publishWithRetry(subject: string, data: unknown, msgId: string, what: string): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await this.bus.publishDurable(subject, data, { msgId });
        return;
      } catch (err) {
        if (attempt === 5) this.log.error(`${what} not stored: ${(err as Error).message}`);
        else await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private onConnectionEvent(event: ConnectionEvent): void {
    // Our own sockets replace each other in `add`, in the order they arrive. The event of an older one of ours,
    // heard late, must not close the one that replaced it: in a burst two sockets of one charger can share a
    // millisecond, and the tie below would then be decided by the session ids, not by which came last.
    if (event.state !== 'connected' || event.gatewayId === this.gatewayId) return;
    const mine = this.presences.get(event.chargerId)?.holder;
    if (!mine || mine.sessionId === event.sessionId) return;
    // Ties broken by session id so two gateways never both close (or both keep) their socket.
    const theirs = Date.parse(event.at);
    const ours = mine.connectedAtMs;
    if (theirs > ours || (theirs === ours && event.sessionId > mine.sessionId)) {
      this.log.log(`${event.chargerId}: newer connection on ${event.gatewayId}, closing the one here`);
      mine.close(1000, 'replaced by a newer connection');
    }
  }

  /**
   * Sends the last-seen time of every charger heard from since its last report, at most SEEN_BATCH_MAX a message,
   * yielding to the event loop between messages. A charger with nothing new is left out: a ping answered every
   * minute (PING_INTERVAL_MS) puts each charger in at least one message a minute. A lost message (core NATS)
   * delays those chargers' last_seen until they are next heard from.
   */
  async reportSeen(): Promise<void> {
    if (this.holders === 0) return;
    let seen: Record<string, string> = {};
    let count = 0;
    for (const presence of this.presences.values()) {
      const at = presence.holder?.lastSeenAt;
      if (at === undefined || at <= presence.reportedSeenAt) continue;
      presence.reportedSeenAt = at;
      seen[presence.chargerId] = new Date(at).toISOString();
      if (++count < SEEN_BATCH_MAX) continue;
      await this.sendSeen(seen);
      seen = {};
      count = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (count > 0) await this.sendSeen(seen);
  }

  private async sendSeen(seen: Record<string, string>): Promise<void> {
    const batch: SeenBatch = { gatewayId: this.gatewayId, seen };
    await this.bus.publish(subjects.seen, batch).catch((err: Error) => this.log.warn(`seen batch not sent: ${err.message}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.seenTimer);
    await this.reportSeen();
    await this.connectionSub?.unsubscribe().catch(() => undefined);
    for (const presence of this.presences.values()) this.reconcile(presence);
    await this.settled();
  }
}
