/**
 * The one description of a table besides its migration: the row type a store reads (`interface XRow`) and, typed
 * against it, each column's SQL type. schema.spec.ts (PGlite) and schema.infra.ts (PostgreSQL) check every
 * description against the migrated schema, so a row type cannot drift from the table it reads.
 */

/**
 * SQL types as information_schema.columns.data_type names them. In row types: bigint and numeric are strings
 * (node-postgres does not narrow them to a JS number), jsonb is a JsonValue.
 */
export type SqlType =
  | 'text'
  | 'character'
  | 'character varying'
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'boolean'
  | 'numeric'
  | 'double precision'
  | 'real'
  | 'timestamp with time zone'
  | 'date'
  | 'bytea'
  | 'jsonb'
  | 'uuid'
  | 'ARRAY';

/** A jsonb value (null only where the column is nullable). */
export type JsonValue = string | number | boolean | JsonValue[] | { [key: string]: JsonValue | null };

/** A column's type, with ` null` appended exactly when the row type allows null (the compiler holds them together). */
export type ColumnsOf<R> = { readonly [K in keyof R & string]-?: null extends R[K] ? `${SqlType} null` : SqlType };

export interface TableDescription<R = unknown> {
  readonly table: string;
  readonly columns: ColumnsOf<R>;
}

/**
 * Describes table `table` whose rows are `R`: every property of R must be listed with its SQL type, and no other
 * column (`describeTable<XRow>()('x', { ... })`, curried so R is given and the columns are checked against it).
 */
export function describeTable<R>(): <const C extends ColumnsOf<R>>(
  table: string,
  columns: C & Record<Exclude<keyof C, keyof R>, never>,
) => TableDescription<R> {
  return (table, columns) => ({ table, columns });
}
