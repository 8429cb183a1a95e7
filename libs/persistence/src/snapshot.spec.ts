import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { openDataSource } from './data-source.js';
import { inOneSnapshot } from './snapshot.js';
import { sqlOf, type Sql } from './sql.js';

class SnapshotSpecTable1700000000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE snapshot_spec (id int PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE snapshot_spec`);
  }
}

// The embedded database; snapshot.infra.ts shows the snapshot against a concurrent write on PostgreSQL.
let dir: string;
let db: DataSource;
let sql: Sql;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csms-snapshot-spec-'));
  db = await openDataSource({ dataDir: dir, migrations: [SnapshotSpecTable1700000000001] });
  sql = sqlOf(db);
  await sql.execute(`INSERT INTO snapshot_spec (id) VALUES (1), (2)`);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('inOneSnapshot (PGlite)', () => {
  it("answers fn's result, read inside the transaction", async () => {
    const page = await inOneSnapshot(sql, async (tx) => ({
      items: await tx.query<{ id: number }>(`SELECT id FROM snapshot_spec ORDER BY id LIMIT 1`),
      total: Number((await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM snapshot_spec`))[0].n),
    }));
    expect(page).toEqual({ items: [{ id: 1 }], total: 2 });
  });

  it('is read-only: a write inside fails and leaves nothing behind', async () => {
    await expect(inOneSnapshot(sql, (tx) => tx.execute(`INSERT INTO snapshot_spec (id) VALUES (3)`))).rejects.toThrow(/read-only transaction/);
    expect(await sql.query(`SELECT id FROM snapshot_spec ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});
