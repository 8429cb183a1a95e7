/**
 * The stores' row types against the schema the migrations build on PostgreSQL (schema.spec.ts: the same on
 * PGlite), and the one SQL helper's answers there.
 */
import { tmpdir } from 'node:os';
import type { DataSource } from 'typeorm';
import { openDataSource, schemaProblems, sqlOf, type Sql } from '#csms/persistence';
import { createTestDatabase, describeInfra } from '#csms/testing';
import { ALL_MIGRATIONS, ALL_TABLES, NOT_DESCRIBED } from './schema.js';

describeInfra('row types and the migrated schema (PostgreSQL)', () => {
  let db: DataSource | undefined;
  let drop: (() => Promise<void>) | undefined;
  let sql: Sql;

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    // dataDir is only for PGlite; with a databaseUrl nothing is written there.
    db = await openDataSource({ databaseUrl: created.url, dataDir: tmpdir(), migrations: ALL_MIGRATIONS });
    sql = sqlOf(db);
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it('agree: every described column exists with its type and nullability, and every table is described', async () => {
    expect(await schemaProblems(sql, ALL_TABLES, NOT_DESCRIBED)).toEqual([]);
  });

  it('answers rows and affected-row counts as on PGlite (libs/persistence/src/sql.spec.ts)', async () => {
    expect(await sql.execute(`INSERT INTO config_groups (name) VALUES ('a'), ('b'), ('c')`)).toBe(3);
    expect(await sql.execute(`INSERT INTO config_groups (name) VALUES ('c'), ('d') ON CONFLICT DO NOTHING`)).toBe(1);
    expect(await sql.query(`UPDATE config_groups SET name = upper(name) WHERE name IN ('a', 'b') RETURNING name`)).toEqual([{ name: 'A' }, { name: 'B' }]);
    expect(await sql.execute(`UPDATE config_groups SET name = name WHERE name = 'none'`)).toBe(0);
    await expect(
      sql.transaction(async (tx) => {
        expect(await tx.execute(`DELETE FROM config_groups WHERE name IN ('A', 'B')`)).toBe(2);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await sql.query(`DELETE FROM config_groups RETURNING name`)).toHaveLength(4);
  });
});
