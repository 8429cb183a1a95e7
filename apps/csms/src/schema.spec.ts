/**
 * The stores' row types against the schema the migrations build, on the embedded database (PGlite) the
 * all-in-one process runs by default; schema.infra.ts checks the same on PostgreSQL.
 */
import { describeTable, schemaProblems, sqlOf, type Sql } from '#csms/persistence';
import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { ALL_MIGRATIONS, ALL_TABLES, NOT_DESCRIBED } from './schema.js';

let t: EmbeddedTestDatabase;
let sql: Sql;

beforeAll(async () => {
  t = await openEmbeddedTestDatabase({ migrations: ALL_MIGRATIONS, prefix: 'csms-schema-' });
  sql = sqlOf(t.db);
}, 120_000);
afterAll(() => t?.close());

describe('row types and the migrated schema (PGlite)', () => {
  it('agree: every described column exists with its type and nullability, and every table is described', async () => {
    expect(await schemaProblems(sql, ALL_TABLES, NOT_DESCRIBED)).toEqual([]);
  });

  it('names each way a row type can drift from its table', async () => {
    interface Drifted {
      name: string;
      created_at: Date | null;
      colour: string;
    }
    const drifted = describeTable<Drifted>()('config_groups', { name: 'integer', created_at: 'timestamp with time zone null', colour: 'text' });
    const gone = describeTable<{ id: string }>()('no_such_table', { id: 'text' });
    const others = ALL_TABLES.filter((d) => d.table !== 'config_groups' && d.table !== 'config_desired');
    expect(await schemaProblems(sql, [...others, drifted, gone], NOT_DESCRIBED)).toEqual([
      "config_groups.name: described as 'integer', the schema has 'text'",
      "config_groups.created_at: described as 'timestamp with time zone null', the schema has 'timestamp with time zone'",
      'config_groups.colour: described, but no such column',
      'no_such_table: described, but no such table after the migrations',
      'config_desired: in the schema, but no store describes it',
    ]);
  });
});
