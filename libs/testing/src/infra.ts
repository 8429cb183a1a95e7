/**
 * Which infrastructure tier can run here, and `describeInfra` that runs a suite only where it can:
 * skipped loudly on a laptop without NATS/PostgreSQL, failed (never skipped) when REQUIRE_INFRA=1 (CI).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { TEST_PG_ADMIN_URL, postgresAnswers } from './database.js';
import { natsServerBinary } from './nats-server.js';

export interface InfraStatus {
  nats: boolean;
  postgres: boolean;
  reason?: string;
}

const NATS_MISSING = 'nats-server binary not found (set NATS_SERVER_BIN or put nats-server on PATH)';

export async function infraStatus(): Promise<InfraStatus> {
  const nats = natsServerBinary() !== undefined;
  const pg = await postgresAnswers();
  const reasons = [...(nats ? [] : [NATS_MISSING]), ...(pg.ok ? [] : [pg.reason ?? 'PostgreSQL does not answer'])];
  return { nats, postgres: pg.ok, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
}

let cached: InfraStatus | undefined;

/**
 * The same answer, synchronously (jest collects suites synchronously): PostgreSQL is asked from a child
 * process. Cached per test file.
 */
export function infraStatusSync(): InfraStatus {
  if (cached) return cached;
  const nats = natsServerBinary() !== undefined;
  const pgPath = createRequire(import.meta.url).resolve('pg');
  const script = `
    const { Client } = require(${JSON.stringify(pgPath)});
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(
      () => process.exit(0),
      (e) => { process.stderr.write(String(e && e.message || e)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script, TEST_PG_ADMIN_URL], { encoding: 'utf8', timeout: 10_000 });
  const postgres = run.status === 0;
  const pgReason = `PostgreSQL at ${TEST_PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')} does not answer: ${(run.stderr || run.error?.message || 'timeout').trim()}`;
  const reasons = [...(nats ? [] : [NATS_MISSING]), ...(postgres ? [] : [pgReason])];
  cached = { nats, postgres, ...(reasons.length ? { reason: reasons.join('; ') } : {}) };
  return cached;
}

/** `describe` when NATS and PostgreSQL are here; otherwise a loud skip, or a failing test under REQUIRE_INFRA=1. */
export function describeInfra(name: string, fn: () => void): void {
  const status = infraStatusSync();
  if (status.nats && status.postgres) {
    describe(name, fn);
    return;
  }
  const missing = status.reason ?? 'infrastructure missing';
  if (process.env.REQUIRE_INFRA === '1') {
    describe(name, () => {
      test('infrastructure is available (REQUIRE_INFRA=1)', () => {
        throw new Error(`REQUIRE_INFRA=1 but the infrastructure tier cannot run: ${missing}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED infrastructure suite "${name}": ${missing}. Set REQUIRE_INFRA=1 to make this a failure. ***\n`);
  describe.skip(name, fn);
}
