import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { readinessGauge } from './http-metrics.js';
import { READINESS_CHECKS, readinessReasons, runReadinessChecks, type ReadinessCheck } from './readiness.js';

interface ReadyBody {
  status: 'ready';
  checks: Record<string, boolean>;
  /** Checks that failed without making the process not ready (e.g. dead letters waiting). */
  degraded?: string[];
  reasons?: string[];
}

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the event loop answers. Never depends on other services, so a NATS outage does not restart pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency this process needs answers (bus, database), and no consumer is stalled. */
  @Get('ready')
  async ready(): Promise<ReadyBody> {
    const checks = await runReadinessChecks(this.checks);
    const failed = this.checks.filter((c) => !checks[c.name]);
    const reasons = failed.length > 0 ? await readinessReasons(this.checks, checks) : [];
    const ready = failed.every((c) => c.degradesOnly);
    readinessGauge.set(ready ? 1 : 0);
    if (ready) {
      const degraded = failed.map((c) => c.name);
      return { status: 'ready', checks, ...(degraded.length > 0 ? { degraded, reasons } : {}) };
    }
    throw new HttpException({ status: 'not-ready', checks, ...(reasons.length > 0 ? { reasons } : {}) }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
