import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  BUS,
  parseEventSubject,
  parseFactSubject,
  subjects,
  type Bus,
  type ChargerMessage,
  type DurableMessage,
  type Subscription,
  type TransactionStartedFact,
} from '#csms/bus';
import type { MeterValuesRequest, StopTransactionRequest } from '#csms/ocpp';
import { PeriodicTask } from '#csms/runtime';
import { afterEachBoot } from '../registration/after-boot.js';
import { BootService } from '../registration/boot.service.js';
import { SiteLimitEngine, type SiteLimitEvent } from './engine.js';
import { SITE_LIMIT_OPTIONS } from './site-limit-options.js';

/** The site limits' durable consumer: transaction starts, stops and meter readings, in stream order. */
export const SITE_LIMITS_CONSUMER = 'config-manager-site-limits';

/** One event of the consumer's batch, or undefined for what it does not use. */
export function siteLimitEvent(m: DurableMessage): SiteLimitEvent | undefined {
  const fact = parseFactSubject(m.subject);
  if (fact?.kind === 'TransactionStarted') {
    const f = m.data as TransactionStartedFact;
    return { kind: 'started', chargerId: f.chargerId, fact: f };
  }
  const evt = parseEventSubject(m.subject);
  if (evt?.action === 'StopTransaction') {
    const c = m.data as ChargerMessage<StopTransactionRequest>;
    return { kind: 'stopped', chargerId: c.chargerId, transactionId: c.payload.transactionId };
  }
  if (evt?.action === 'MeterValues') {
    const c = m.data as ChargerMessage<MeterValuesRequest>;
    return { kind: 'meter', chargerId: c.chargerId, payload: c.payload };
  }
  return undefined;
}

/**
 * When site limits are allocated: after the events of the consumer (one durable consumer for the three subjects, so
 * a transaction's start, readings and stop arrive in order), after a member's boot (its fallback again, `bootDelayMs`
 * after it: a charger may not be addressed before it has its answer, docs/reference/protocol-notes.md#boot-states),
 * and at every sweep (rotations, commands that failed, members that changed).
 */
@Injectable()
export class SiteLimitScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private afterBoots?: { stop(): void };
  private readonly sweeps: PeriodicTask;
  private subscription?: Subscription;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(BootService) private readonly boots: BootService,
    @Inject(SiteLimitEngine) private readonly engine: SiteLimitEngine,
    @Inject(SITE_LIMIT_OPTIONS) private readonly options: { bootDelayMs: number; sweepIntervalMs: number },
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('SiteLimitScheduler'),
  ) {
    this.sweeps = new PeriodicTask('site limits sweep', options.sweepIntervalMs, () => this.engine.sweep(), { runAtStart: true, log });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.consume(
      {
        durable: SITE_LIMITS_CONSUMER,
        filterSubjects: [subjects.factsOf('TransactionStarted'), subjects.eventsOf('StopTransaction'), subjects.eventsOf('MeterValues')],
        maxBatch: 500,
        maxWaitMs: 20,
      },
      async (batch: DurableMessage[]) => {
        await this.engine.onEvents(batch.map(siteLimitEvent).filter((e): e is SiteLimitEvent => e !== undefined));
      },
    );
    this.afterBoots = afterEachBoot(
      this.boots,
      { when: (b) => b.status === 'Accepted', delayMs: this.options.bootDelayMs, what: 'site limit', log: this.log },
      (chargerId) => this.engine.onBoot(chargerId),
    );
    this.sweeps.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.sweeps.stop();
    this.afterBoots?.stop();
    this.engine.stop();
    await this.subscription?.unsubscribe();
  }
}
