import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf } from '#csms/persistence';
import { PeriodicTask } from '#csms/runtime';
import { CONFIG_MANAGER_OPTIONS, type ResolvedConfigManagerOptions } from '../config-manager.options.js';

/**
 * A connection event makes a `config_chargers` row before any BootNotification (the row carries the connection
 * state). A socket that never boots must not stay a charger forever
 * (docs/reference/design-decisions.md#provisional-chargers: 5,000 silent sockets, 5,000
 * chargers): its row is removed `provisionalChargerTtlS` after it disconnected. Rows an operator changed (model
 * override, boot policy) are kept. Auth sweeps its own provisional records the same way; a real charger that
 * comes back gets its row again from its next connection event.
 */
export async function removeNeverBooted(db: DataSource, disconnectedForS: number): Promise<string[]> {
  const rows = await sqlOf(db).query<{ charger_id: string }>(
    `DELETE FROM config_chargers
      WHERE boot_at IS NULL AND NOT connected AND model_override IS NULL AND NOT apply_config_before_accept
        AND COALESCE(disconnected_at, updated_at) < now() - make_interval(secs => $1)
      RETURNING charger_id`,
    [disconnectedForS],
  );
  return rows.map((r) => r.charger_id);
}

@Injectable()
export class NeverBootedSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('config-manager-never-booted');
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(CONFIG_MANAGER_OPTIONS) private readonly options: ResolvedConfigManagerOptions,
  ) {
    const ttlS = options.provisionalChargerTtlS;
    this.task = new PeriodicTask(
      'never-booted chargers sweep',
      Math.min(Math.max(ttlS * 100, 1_000), 60_000),
      async () => {
        const ids = await removeNeverBooted(this.db, ttlS);
        if (ids.length) this.log.log(`removed ${ids.length} never-booted chargers disconnected for ${ttlS} s`);
      },
      { log: this.log },
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
