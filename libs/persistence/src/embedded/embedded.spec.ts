import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openDataSource } from '../data-source.js';
import { sqlOf } from '../sql.js';
import { EmbeddedWorker } from './embedded-worker.js';
import { seedMigrated } from '#csms/testing';

class CreateNotes implements MigrationInterface {
  name = 'CreateNotes1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE notes (id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), flag boolean)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notes');
  }
}

describe('embedded database in a worker thread', () => {
  let dataDir: string;
  let db: DataSource | undefined;
  const open = (): Promise<DataSource> => openDataSource({ dataDir, migrations: [CreateNotes] });
  /**
   * Most tests start from a copy of one migrated directory: PGlite's initdb took 8-9 s of CPU per test. The test of
   * a second opener keeps the path from an empty directory (initdb, then the migration).
   */
  const seed = async (): Promise<string> => {
    await seedMigrated(dataDir, [CreateNotes], 'embedded-spec-');
    return join(dataDir, 'pglite');
  };
  const ids = async (d: DataSource): Promise<string[]> => (await sqlOf(d).query<{ id: string }>('SELECT id FROM notes ORDER BY id')).map((r) => r.id);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'csms-embedded-'));
  });
  afterEach(async () => {
    await db?.destroy();
    db = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps another connection out of an open transaction: its statement waits, and survives the rollback', async () => {
    await seed();
    db = await open();
    const sql = sqlOf(db);
    let outside: Promise<number> | undefined;
    await expect(
      sql.transaction(async (tx) => {
        await tx.execute("INSERT INTO notes (id) VALUES ('in-tx')");
        outside = sql.execute("INSERT INTO notes (id) VALUES ('outside')");
        // The session is this transaction's: the outside insert has not run, so the transaction cannot see it.
        expect(await tx.query('SELECT id FROM notes')).toEqual([{ id: 'in-tx' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await outside).toBe(1);
    expect(await ids(db)).toEqual(['outside']);
  });

  it('answers rows with PGlite types and failures with the PostgreSQL error fields', async () => {
    await seed();
    db = await open();
    const sql = sqlOf(db);
    await sql.execute('INSERT INTO notes (id, flag) VALUES ($1, $2)', ['a', true]);
    const [row] = await sql.query<{ at: Date; flag: boolean }>('SELECT at, flag FROM notes');
    // A Date from the worker is the main realm's, not Jest's sandbox one, so `instanceof Date` cannot tell.
    expect(Object.prototype.toString.call(row.at)).toBe('[object Date]');
    expect(row.flag).toBe(true);
    const failure = await sql.execute("INSERT INTO notes (id) VALUES ('a')").catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure).toMatchObject({ driverError: { code: '23505' } });
  });

  it('refuses a second opener of the same directory by name, and keeps the data for the next one after closing', async () => {
    db = await open();
    await sqlOf(db).execute("INSERT INTO notes (id) VALUES ('kept')");
    await expect(open()).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE', message: expect.stringContaining('already open in process') });
    await db.destroy();
    db = await open();
    expect(await ids(db)).toEqual(['kept']);
  });

  it('fails a statement sent after the database closed, at once, with the reason', async () => {
    const worker = await EmbeddedWorker.start(await seed());
    await expect(worker.run('SELECT 1')).resolves.toMatchObject({ ok: true, result: { rows: [{ '?column?': 1 }] } });
    await worker.close();
    await expect(worker.run('SELECT 1')).rejects.toThrow(/is closed/);
  });

  it('fails start-up with the reason when the directory cannot be opened', async () => {
    await expect(EmbeddedWorker.start(join(dataDir, 'missing', 'deeper'))).rejects.toThrow(/ENOENT/);
  });
  it("starts when the process runs with a process-wide option (node --max-old-space-size) a worker's own list refuses", async () => {
    const dir = await seed();
    const real = process.execArgv;
    // --input-type makes the list explicit; Node then refuses the heap option in it (ERR_WORKER_INVALID_EXEC_ARGV).
    process.execArgv = ['--input-type=module', '--max-old-space-size=256'];
    let worker: EmbeddedWorker | undefined;
    try {
      worker = await EmbeddedWorker.start(dir);
    } finally {
      process.execArgv = real;
    }
    const r = await worker.run('SELECT 1 AS n');
    expect(r.ok && r.result.rows).toEqual([{ n: 1 }]);
    await worker.close();
  });
});
