import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { READINESS_CHECKS, runReadiness, type ReadinessCheck } from './readiness.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the event loop answers. Never depends on other services, so a NATS outage does not restart pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency this process needs answers (bus, database; for a gateway, auth), with the reasons when not. */
  @Get('ready')
  async ready(): Promise<{ status: 'ready'; checks: Record<string, boolean> }> {
    const { checks, reasons } = await runReadiness(this.checks);
    if (Object.values(checks).every(Boolean)) return { status: 'ready', checks };
    throw new HttpException({ status: 'not-ready', checks, reasons }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
