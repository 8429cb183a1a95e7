import { Inject, Injectable, Optional, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { ActiveTransactionsMetric } from './metering-metrics.js';
import { MeteringChargerController } from './metering.controller.js';
import { MeteringVerbsController } from './metering-verbs.controller.js';
import { DEFAULT_METERING_OPTIONS, METERING_OPTIONS, type MeteringOptions } from './metering-options.js';
import { QueryService } from './query.service.js';
import { ReadingsService } from './readings.service.js';
import { TransactionsService } from './transactions.service.js';

const RETENTION_EVERY_MS = 3_600_000;
const withDefaults = (o?: MeteringOptions): Required<MeteringOptions> => ({ ...DEFAULT_METERING_OPTIONS, ...(o ?? {}) });

/** Runs the meter-value retention hourly when a retention is configured (default: keep forever). */
@Injectable()
export class MeteringRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private task?: PeriodicTask;
  private readonly log = new Logger('metering-retention');
  private readonly options: Required<MeteringOptions>;
  constructor(
    @Inject(ReadingsService) private readonly readings: ReadingsService,
    @Optional() @Inject(METERING_OPTIONS) options?: MeteringOptions,
  ) {
    this.options = withDefaults(options);
  }

  onApplicationBootstrap(): void {
    if (!this.options.meterValuesRetentionDays) return;
    const days = this.options.meterValuesRetentionDays;
    this.task = new PeriodicTask(
      'meter-value retention',
      RETENTION_EVERY_MS,
      async () => {
        const n = await this.readings.pruneMeterValues();
        if (n) this.log.log(`deleted ${n} meter values older than ${days} days`);
      },
      { runAtStart: true, log: this.log },
    );
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task?.stop();
  }
}

/**
 * The metering service: transactions, meter values and connector status. Needs the process's DATA_SOURCE
 * (PersistenceModule) and BUS (BusModule). Import `MeteringModule` for the defaults, or
 * `MeteringModule.forRoot({ meterValuesRetentionDays, lateReadingWindowSec, maxPowerW })` to tune.
 */
@Module({
  controllers: [MeteringChargerController, MeteringVerbsController],
  providers: [TransactionsService, ReadingsService, QueryService, ActiveTransactionsMetric, MeteringRetention],
  exports: [TransactionsService, ReadingsService, QueryService],
})
export class MeteringModule {
  static forRoot(options: MeteringOptions = {}): DynamicModule {
    return { module: MeteringModule, providers: [{ provide: METERING_OPTIONS, useValue: withDefaults(options) }] };
  }
}
