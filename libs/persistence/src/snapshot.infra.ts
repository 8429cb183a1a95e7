import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, describeInfra } from '#csms/testing';
import { openDataSource } from './data-source.js';
import { inOneSnapshot } from './snapshot.js';
import { sqlOf, type Sql } from './sql.js';

class SnapshotInfraTable1700000000002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE snapshot_infra (id int PRIMARY KEY)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE snapshot_infra`);
  }
}

describeInfra('inOneSnapshot on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let db: DataSource;
  let sql: Sql;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'csms-snapshot-infra-'));
    db = await openDataSource({ databaseUrl: database.url, dataDir: dir, migrations: [SnapshotInfraTable1700000000002] });
    sql = sqlOf(db);
    await sql.execute(`INSERT INTO snapshot_infra (id) VALUES (1)`);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (q: Sql): Promise<number> => Number((await q.query<{ n: string }>(`SELECT count(*) AS n FROM snapshot_infra`))[0].n);

  it('a row committed by another connection between two reads is seen by neither; outside, by both', async () => {
    const inside = await inOneSnapshot(sql, async (tx) => {
      const first = await count(tx);
      await sql.execute(`INSERT INTO snapshot_infra (id) VALUES (2)`); // another pooled connection, committed at once
      return [first, await count(tx)];
    });
    expect(inside).toEqual([1, 1]);
    expect(await count(sql)).toBe(2);

    // Without the snapshot (READ COMMITTED, each statement on its own), the second read sees the new row.
    const outside = [await count(sql)];
    await sql.execute(`INSERT INTO snapshot_infra (id) VALUES (3)`);
    outside.push(await count(sql));
    expect(outside).toEqual([2, 3]);
  });
});
