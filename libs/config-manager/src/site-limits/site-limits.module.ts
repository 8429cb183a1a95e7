import { Module, type DynamicModule } from '@nestjs/common';
import { DEFAULT_SITE_LIMIT_ENGINE_OPTIONS, SiteLimitEngine, type SiteLimitEngineOptions } from './engine.js';
import { SITE_LIMIT_OPTIONS, type ResolvedSiteLimitOptions } from './site-limit-options.js';
import { SiteLimitsBusController } from './site-limits.controller.js';
import { SiteLimitScheduler } from './site-limits-scheduler.js';
import { SiteLimitService } from './site-limits.service.js';
import { SiteLimitStore } from './store.js';

export interface SiteLimitOptions extends Partial<SiteLimitEngineOptions> {
  bootDelayMs: number;
  sweepIntervalMs: number;
}

/**
 * Site limits of configuration groups (docs/site-limits.md): in config-manager beside the groups and the registry
 * that knows each member's model.
 */
@Module({})
export class SiteLimitsModule {
  static forRoot(options: SiteLimitOptions, registration: DynamicModule): DynamicModule {
    const resolved: ResolvedSiteLimitOptions = {
      ...DEFAULT_SITE_LIMIT_ENGINE_OPTIONS,
      ...definedOnly(options),
      bootDelayMs: options.bootDelayMs,
      sweepIntervalMs: options.sweepIntervalMs,
    };
    return {
      module: SiteLimitsModule,
      imports: [registration],
      controllers: [SiteLimitsBusController],
      providers: [{ provide: SITE_LIMIT_OPTIONS, useValue: resolved }, SiteLimitStore, SiteLimitEngine, SiteLimitService, SiteLimitScheduler],
    };
  }
}

function definedOnly(o: Partial<SiteLimitEngineOptions>): Partial<SiteLimitEngineOptions> {
  return Object.fromEntries(
    (['minIntervalMs', 'urgentIntervalMs', 'settleMs', 'commandTimeoutMs', 'leaseMs'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]),
  ) as Partial<SiteLimitEngineOptions>;
}
