import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BUS, recordFact, sendCommand, type Bus, type QueuedCommandFact } from '#csms/bus';
import { afterDelivery } from './after-delivery.js';
import { settle } from './settle.js';
import { QueuedCommandStore, type QueuedCommandView } from './store.js';
import { QUEUED_OPTIONS } from './queued-options.js';

export interface QueuedDeliveryOptions {
  /** How long one attempt waits for the charger's answer. */
  commandTimeoutMs: number;
  /**
   * A connection the charger has not booted on gets commands only once it is this old: a charger that reboots
   * connects first and then sends its BootNotification (the desired part's connectReconcileDelayMs, one rule).
   */
  connectDelayMs: number;
  /** A Reset held after an attempt without an answer goes again on a connection without a boot only once it is this old. */
  rebootGraceMs?: number;
}

/**
 * Long enough for a rebooted charger's BootNotification to be recorded after its connection, also behind a
 * reconnect storm's backlog: sending the Reset again in that window would reboot it a second time.
 */
export const DEFAULT_REBOOT_GRACE_MS = 60_000;

/** A claim outlives its attempt by this much before another replica may take it (the sender died). */
const LEASE_GRACE_MS = 30_000;

/**
 * Sends a charger's queued commands through the normal command path (whichever gateway holds the charger),
 * oldest first, one at a time, until none is left or one gets no answer: then the charger is gone or its
 * state is unknown, and the rest wait for its next connection (docs/api-commands.md#queued-commands).
 * One loop per charger in this process; across replicas the store's claims keep it to one delivery at a time.
 */
@Injectable()
export class QueuedDelivery {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    @Inject(QueuedCommandStore) private readonly store: QueuedCommandStore,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(QUEUED_OPTIONS) private readonly options: QueuedDeliveryOptions,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('QueuedDelivery'),
  ) {}

  /** Delivers what the charger has pending; a kick while its loop runs makes the loop look again after it. */
  kick(chargerId: string): Promise<void> {
    const running = this.running.get(chargerId);
    if (running) {
      this.again.add(chargerId);
      return running;
    }
    const loop = this.deliver(chargerId)
      .catch((err: unknown) => this.log.warn(`queued commands of ${chargerId} not delivered now: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.running.delete(chargerId);
        if (this.again.delete(chargerId) && !this.stopped) void this.kick(chargerId);
      });
    this.running.set(chargerId, loop);
    return loop;
  }

  /** After an Accepted boot: delivers only when the charger has open commands (one batched look for a fleet's boots). */
  async afterBoot(chargerId: string): Promise<void> {
    if (await this.store.hasOpen.add(chargerId)) await this.kick(chargerId);
  }

  /** Expires what is due, frees claims whose sender died, and delivers to every charger that can take commands now. */
  async sweep(): Promise<void> {
    for (const c of await this.store.expireDue()) await this.fact(c, 'expired');
    for (const c of await this.store.releaseLapsed()) await this.fact(c, 'retry', c.attempts, 'interrupted');
    await Promise.all((await this.store.deliverableChargers()).map((id) => this.kick(id)));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves when every loop running now has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async deliver(chargerId: string): Promise<void> {
    for (const c of await this.store.expireDue(chargerId)) await this.fact(c, 'expired');
    for (const c of await this.store.settleRebootedResets(chargerId)) await this.fact(c, 'succeeded', c.attempts, 'rebooted');
    while (!this.stopped) {
      const sentCommandId = randomUUID();
      const claimed = await this.store.claimNext(chargerId, this.options.commandTimeoutMs + LEASE_GRACE_MS, sentCommandId, {
        connectDelayMs: this.options.connectDelayMs,
        rebootGraceMs: this.options.rebootGraceMs ?? DEFAULT_REBOOT_GRACE_MS,
      });
      if (!claimed) return;
      await this.fact(claimed, 'delivered', claimed.attempt);
      const sentAt = new Date();
      // Each attempt is a command id of its own: the gateway answers a repeated id with its first outcome.
      const reply = await sendCommand(this.bus, chargerId, {
        commandId: sentCommandId,
        action: claimed.action,
        payload: claimed.payload,
        timeoutMs: this.options.commandTimeoutMs,
        origin: 'queued',
        ...(claimed.requestedBy ? { requestedBy: claimed.requestedBy } : {}),
      });
      if (reply.status === 'not-connected') {
        // Nothing was sent: not an attempt. The registry saw a connection the gateways do not hold (yet, or
        // any more); its boot, or the next sweep, tries again.
        await this.store.releaseUnsent(claimed.commandId, claimed.attempt);
        // The stream said `delivered`: it says as well that the command is pending again, without an attempt.
        await this.fact({ ...claimed, status: 'pending', attempts: claimed.attempt - 1 }, 'retry', undefined, 'not-connected');
        return;
      }
      const settlement = settle(reply, claimed.attempt);
      const after = await this.store.settleAttempt(claimed.commandId, claimed.attempt, settlement);
      if (!after) {
        this.log.warn(
          `${chargerId}: queued ${claimed.action} ${claimed.commandId} attempt ${claimed.attempt} outlived its claim; its outcome (${reply.status}) is not recorded`,
        );
        return;
      }
      await afterDelivery(this.bus, claimed, sentAt, reply, this.log);
      await this.fact(after, settlement.status === 'pending' ? 'retry' : settlement.status, claimed.attempt, settlement.outcome);
      if (settlement.status === 'pending') return;
    }
  }

  async fact(c: QueuedCommandView, event: QueuedCommandFact['event'], attempt?: number, outcome?: string): Promise<void> {
    const fact: QueuedCommandFact = {
      chargerId: c.chargerId,
      commandId: c.commandId,
      action: c.action,
      event,
      status: c.status,
      at: new Date().toISOString(),
      ...(attempt !== undefined ? { attempt } : {}),
      ...(outcome !== undefined ? { outcome } : {}),
    };
    await recordFact(this.bus, c.chargerId, 'QueuedCommand', fact);
  }
}
