import type { Sql } from './sql.js';
import type { TableDescription } from './table.js';

/**
 * What differs between the tables the stores describe and the schema the migrations built, in words (empty:
 * they agree). Checked: every described table and column exists with the described type and nullability, every
 * column of a described table is described, and every table of the schema is described or named in `notDescribed`
 * (the migrations' own table, ...) with the reason.
 */
export async function schemaProblems(sql: Sql, described: readonly TableDescription[], notDescribed: Readonly<Record<string, string>>): Promise<string[]> {
  const columns = await sql.query<{ table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO' }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const schema = new Map<string, Map<string, string>>();
  for (const c of columns) {
    const table = schema.get(c.table_name) ?? new Map<string, string>();
    table.set(c.column_name, `${c.data_type}${c.is_nullable === 'YES' ? ' null' : ''}`);
    schema.set(c.table_name, table);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of described) {
    if (seen.has(d.table)) problems.push(`${d.table}: described twice`);
    seen.add(d.table);
    const actual = schema.get(d.table);
    if (!actual) {
      problems.push(`${d.table}: described, but no such table after the migrations`);
      continue;
    }
    // ColumnsOf<R> is a mapped type over R; here only its names and values matter.
    const listed = d.columns as Readonly<Record<string, string>>;
    for (const [column, type] of Object.entries(listed)) {
      const found = actual.get(column);
      if (found === undefined) problems.push(`${d.table}.${column}: described, but no such column`);
      else if (found !== type) problems.push(`${d.table}.${column}: described as '${type}', the schema has '${found}'`);
    }
    for (const column of actual.keys()) if (!(column in listed)) problems.push(`${d.table}.${column}: in the schema, but not in the row type`);
  }
  for (const table of schema.keys()) {
    if (!seen.has(table) && !(table in notDescribed)) problems.push(`${table}: in the schema, but no store describes it`);
  }
  for (const table of Object.keys(notDescribed)) {
    if (seen.has(table)) problems.push(`${table}: described, and also listed as not described`);
  }
  return problems;
}
