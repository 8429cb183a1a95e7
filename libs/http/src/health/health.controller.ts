import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { readinessGauge } from './http-metrics.js';
import { READINESS_CHECKS, runReadiness, type ReadinessCheck } from './readiness.js';

interface ReadyBody {
  status: 'ready';
  checks: Record<string, boolean>;
  /** Checks that failed without making the process not ready (e.g. dead letters waiting). */
  degraded?: string[];
  /** Why each failing check failed, by check name. */
  reasons?: Record<string, string>;
}

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the event loop answers. Never depends on other services, so a NATS outage does not restart pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: every dependency this process needs answers (bus, database, auth for a gateway), and no
   * consumer is stalled. A failing `degradesOnly` check keeps the process ready and is reported.
   */
  @Get('ready')
  async ready(): Promise<ReadyBody> {
    const { checks, reasons } = await runReadiness(this.checks);
    const failed = this.checks.filter((c) => !checks[c.name]);
    const ready = failed.every((c) => c.degradesOnly);
    readinessGauge.set(ready ? 1 : 0);
    const withReasons = Object.keys(reasons).length > 0 ? { reasons } : {};
    if (ready) return { status: 'ready', checks, ...(failed.length > 0 ? { degraded: failed.map((c) => c.name), ...withReasons } : {}) };
    // In the API's one error shape (error, message) so the exception filter passes it through as it is,
    // with the checks and reasons the operator reads.
    const failing = failed.filter((c) => !c.degradesOnly).map((c) => c.name);
    throw new HttpException(
      {
        error: 'not_ready',
        message: `not ready: ${failing.map((n) => (reasons[n] ? `${n} (${reasons[n]})` : n)).join('; ')}`,
        status: 'not-ready',
        checks,
        ...withReasons,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
