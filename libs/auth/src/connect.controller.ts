import { Controller, Inject, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Answers, type AuthReadyReply, type ConnectAuthReply, type ConnectAuthRequest } from '#csms/bus';
import { ok, type ServiceReply } from '#csms/http';
import { DATA_SOURCE, databaseAnswers } from '#csms/persistence';
import { ConnectDecisionService, type ConnectCounters } from './connect-decision.service.js';
import * as verbs from './verbs.js';

/** The gateway's upgrade question, and the counters behind the auth-failure metrics. */
@Controller()
export class ConnectController implements OnApplicationShutdown {
  constructor(
    @Inject(ConnectDecisionService) private readonly decisions: ConnectDecisionService,
    @Inject(DATA_SOURCE) private readonly db: DataSource,
  ) {}

  /** The refusals counted in memory since the last flush go to their security events before the process ends. */
  onApplicationShutdown(): Promise<void> {
    return this.decisions.refusals.flush();
  }

  @Answers(verbs.connect)
  connect(req: ConnectAuthRequest): Promise<ConnectAuthReply> {
    return this.decisions.decide(req);
  }

  /** The gateways' readiness question: can this replica decide upgrades now (its database answers)? */
  @Answers(verbs.ready)
  async ready(): Promise<AuthReadyReply> {
    return (await databaseAnswers(this.db)) ? { ready: true } : { ready: false, reason: 'auth database not answering' };
  }

  /** Counters of this replica since it started (sum them over replicas in Prometheus). */
  @Answers(verbs.connectStats)
  stats(): ServiceReply<ConnectCounters & { trackedThrottleKeys: number }> {
    return ok({ ...this.decisions.counters, trackedThrottleKeys: this.decisions.throttle.trackedKeys });
  }
}
