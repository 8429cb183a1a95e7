import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { arrayLiteral } from './array-literal.js';
import { openDataSource } from './data-source.js';
import { sqlOf, type Sql } from './sql.js';

// PostgreSQL itself reads the literals back (the embedded database, as the unit tests run it).
let dir: string;
let db: DataSource;
let sql: Sql;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'csms-array-literal-'));
  db = await openDataSource({ dataDir: dir, migrations: [] });
  sql = sqlOf(db);
});
afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function roundTrip(type: string, values: (string | number | boolean | null)[]): Promise<unknown> {
  const rows = await sql.query<{ v: unknown }>(`SELECT $1::${type}[] AS v`, [arrayLiteral(values)]);
  return rows[0].v;
}

describe('arrayLiteral', () => {
  it('writes what PostgreSQL reads back as the same text elements, whatever they hold', async () => {
    const texts = ['plain', '', 'NULL', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', ' spaced ', 'Energy.Active.Import.Register', 'æøå €'];
    expect(await roundTrip('text', [...texts, null])).toEqual([...texts, null]);
  });

  it('writes numbers, booleans and NULLs for typed columns', async () => {
    expect(await roundTrip('int', [1, -2, null, 0])).toEqual([1, -2, null, 0]);
    expect(await roundTrip('float8', [1.5, -0.25, 1e21])).toEqual([1.5, -0.25, 1e21]);
    expect(await roundTrip('bool', [true, false, null])).toEqual([true, false, null]);
    expect(String(await roundTrip('numeric', [12345.678]))).toMatch(/12345\.678/);
  });

  it('writes timestamps as text PostgreSQL parses', async () => {
    const v = (await roundTrip('timestamptz', ['2026-11-27T18:00:00.123Z'])) as Date[];
    expect(new Date(v[0]).toISOString()).toBe('2026-11-27T18:00:00.123Z');
  });

  it('is an empty array for no values', () => {
    expect(arrayLiteral([])).toBe('{}');
  });
});
