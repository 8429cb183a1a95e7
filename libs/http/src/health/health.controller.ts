import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { readinessGauge } from './http-metrics.js';
import { READINESS_CHECKS, runReadinessChecks, type ReadinessCheck } from './readiness.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the event loop answers. Never depends on other services, so a NATS outage does not restart pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency this process needs answers (bus, database). */
  @Get('ready')
  async ready(): Promise<{ status: 'ready'; checks: Record<string, boolean> }> {
    const checks = await runReadinessChecks(this.checks);
    const ready = Object.values(checks).every(Boolean);
    readinessGauge.set(ready ? 1 : 0);
    if (ready) return { status: 'ready', checks };
    throw new HttpException({ status: 'not-ready', checks }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
