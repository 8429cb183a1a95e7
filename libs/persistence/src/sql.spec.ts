import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { openDataSource } from './data-source.js';
import { inOneSnapshot } from './snapshot.js';
import { sqlOf, valuesList, type Sql } from './sql.js';

class SqlSpecTable1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sql_spec (id int PRIMARY KEY, label text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sql_spec`);
  }
}

// The embedded database, as the all-in-one process and the unit tests run it; schema.infra.ts and the stores'
// infra specs run the same helper on PostgreSQL.
let dir: string;
let db: DataSource;
let sql: Sql;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csms-sql-spec-'));
  db = await openDataSource({ dataDir: dir, migrations: [SqlSpecTable1700000000000] });
  sql = sqlOf(db);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await sql.execute(`DELETE FROM sql_spec`);
});

describe('sqlOf', () => {
  it('answers rows for SELECT and for INSERT/UPDATE/DELETE ... RETURNING alike', async () => {
    expect(await sql.query<{ id: number }>(`INSERT INTO sql_spec (id, label) VALUES (1, 'a'), (2, 'b') RETURNING id`)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await sql.query(`UPDATE sql_spec SET label = $2 WHERE id = $1 RETURNING label`, [1, 'c'])).toEqual([{ label: 'c' }]);
    expect(await sql.query(`DELETE FROM sql_spec WHERE id = $1 RETURNING id`, [2])).toEqual([{ id: 2 }]);
    expect(await sql.query(`SELECT id, label FROM sql_spec ORDER BY id`)).toEqual([{ id: 1, label: 'c' }]);
    expect(await sql.query(`UPDATE sql_spec SET label = 'x' WHERE id = 99`)).toEqual([]);
  });

  it('counts the rows INSERT, UPDATE and DELETE touched, skipped conflicts not counted', async () => {
    expect(await sql.execute(`INSERT INTO sql_spec (id, label) VALUES ${valuesList(3, ['', ''])}`, [1, 'a', 2, 'b', 3, 'c'])).toBe(3);
    expect(await sql.execute(`INSERT INTO sql_spec (id, label) VALUES (3, 'c'), (4, 'd') ON CONFLICT DO NOTHING`)).toBe(1);
    expect(await sql.execute(`UPDATE sql_spec SET label = 'z' WHERE id >= $1`, [2])).toBe(3);
    expect(await sql.execute(`UPDATE sql_spec SET label = 'z' WHERE id = 99`)).toBe(0);
    expect(await sql.execute(`DELETE FROM sql_spec WHERE id IN (1, 2)`)).toBe(2);
  });

  it('commits a transaction that resolves and rolls back one that throws; a nested call joins it', async () => {
    await sql.transaction(async (tx) => {
      await tx.execute(`INSERT INTO sql_spec (id, label) VALUES (1, 'a')`);
      await tx.transaction((inner) => inner.execute(`INSERT INTO sql_spec (id, label) VALUES (2, 'b')`));
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.execute(`INSERT INTO sql_spec (id, label) VALUES (3, 'c')`);
        await tx.execute(`INSERT INTO sql_spec (id, label) VALUES (1, 'again')`);
      }),
    ).rejects.toThrow(QueryFailedError);
    expect(await sql.query(`SELECT id FROM sql_spec ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("fails with TypeORM's QueryFailedError carrying the driver's code", async () => {
    await sql.execute(`INSERT INTO sql_spec (id, label) VALUES (1, 'a')`);
    const err: unknown = await sql.execute(`INSERT INTO sql_spec (id, label) VALUES (1, 'b')`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as { code?: string }).code).toBe('23505');
  });
});

describe('inOneSnapshot (PGlite; snapshot.infra.ts shows the snapshot against a concurrent write on PostgreSQL)', () => {
  beforeEach(async () => {
    await sql.execute(`INSERT INTO sql_spec (id, label) VALUES (1, 'a'), (2, 'b')`);
  });

  it("answers fn's result, read inside the transaction", async () => {
    const page = await inOneSnapshot(sql, async (tx) => ({
      items: await tx.query<{ id: number }>(`SELECT id FROM sql_spec ORDER BY id LIMIT 1`),
      total: Number((await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM sql_spec`))[0].n),
    }));
    expect(page).toEqual({ items: [{ id: 1 }], total: 2 });
  });

  it('is read-only: a write inside fails and leaves nothing behind', async () => {
    await expect(inOneSnapshot(sql, (tx) => tx.execute(`INSERT INTO sql_spec (id, label) VALUES (3, 'c')`))).rejects.toThrow(/read-only transaction/);
    expect(await sql.query(`SELECT id FROM sql_spec ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('valuesList', () => {
  it('numbers the placeholders row by row with the casts given', () => {
    expect(valuesList(2, ['text', ''])).toBe('($1::text,$2),($3::text,$4)');
  });
});
