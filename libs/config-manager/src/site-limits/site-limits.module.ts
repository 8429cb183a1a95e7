import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, type Bus } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { BootService } from '../registration/boot.service.js';
import { DEFAULT_SITE_LIMIT_ENGINE_OPTIONS, SiteLimitEngine, type SiteLimitEngineOptions } from './engine.js';
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
    const engineOptions: SiteLimitEngineOptions = { ...DEFAULT_SITE_LIMIT_ENGINE_OPTIONS, ...definedOnly(options) };
    return {
      module: SiteLimitsModule,
      imports: [registration],
      controllers: [SiteLimitsBusController],
      providers: [
        { provide: SiteLimitStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new SiteLimitStore(db) },
        {
          provide: SiteLimitEngine,
          inject: [SiteLimitStore, BUS],
          useFactory: (s: SiteLimitStore, bus: Bus) => new SiteLimitEngine(s, bus, engineOptions, new Logger('SiteLimits')),
        },
        {
          provide: SiteLimitService,
          inject: [SiteLimitStore, SiteLimitEngine, BUS],
          useFactory: (s: SiteLimitStore, e: SiteLimitEngine, bus: Bus) => new SiteLimitService(s, e, bus, engineOptions.commandTimeoutMs),
        },
        {
          provide: SiteLimitScheduler,
          inject: [BUS, BootService, SiteLimitEngine],
          useFactory: (bus: Bus, b: BootService, e: SiteLimitEngine) =>
            new SiteLimitScheduler(bus, b, e, { bootDelayMs: options.bootDelayMs, sweepIntervalMs: options.sweepIntervalMs }),
        },
      ],
    };
  }
}

function definedOnly(o: Partial<SiteLimitEngineOptions>): Partial<SiteLimitEngineOptions> {
  return Object.fromEntries(
    (['minIntervalMs', 'urgentIntervalMs', 'settleMs', 'commandTimeoutMs', 'leaseMs'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]),
  ) as Partial<SiteLimitEngineOptions>;
}
