import { Gauge, register } from 'prom-client';
import type { DataSource } from 'typeorm';

/** What node-postgres's Pool tells about itself. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const pools = new Set<PoolCounts>();

/**
 * Database pool connections by state, read at scrape time: `in_use` near the pool size with `waiting`
 * above zero is a service starved of connections (a slow database, or a pool too small for its load).
 * The embedded database has no pool and reports nothing.
 */
// Registered once per process (Jest and the all-in-one may load this module twice); read only at scrape time.
if (!register.getSingleMetric('db_pool_connections')) {
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (in_use, idle, waiting requests)',
    labelNames: ['state'],
    collect() {
      let inUse = 0;
      let idle = 0;
      let waiting = 0;
      for (const p of pools) {
        inUse += p.totalCount - p.idleCount;
        idle += p.idleCount;
        waiting += p.waitingCount;
      }
      this.set({ state: 'in_use' }, inUse);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
}

function isPool(value: unknown): value is PoolCounts {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PoolCounts).totalCount === 'number' &&
    typeof (value as PoolCounts).waitingCount === 'number'
  );
}

/** Counts this data source's pool in `db_pool_connections` until it is destroyed. */
export function watchPool(dataSource: DataSource): void {
  // TypeORM's postgres driver keeps the pg Pool as `master`; not part of its typed surface.
  const pool = (dataSource.driver as unknown as { master?: unknown }).master;
  if (!isPool(pool)) return;
  pools.add(pool);
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    pools.delete(pool);
    return destroy();
  };
}
