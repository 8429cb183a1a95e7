/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) for an array parameter, built in one pass.
 *
 * `pg` turns a JS array parameter into the same text, but with a `prepareValue` and two regular-expression replaces
 * for every element; for the metering writer's 16 columns of a batch of thousands of rows that was 4% of the durable
 * path's thread (docs/benchmarks.md#the-durable-paths-per-message-costs). Strings are quoted (so `NULL` or `a,b` stay
 * text), and a backslash or double quote inside is escaped, as PostgreSQL's array input reads them.
 */
export type ArrayElement = string | number | boolean | null | undefined;

export function arrayLiteral(values: readonly ArrayElement[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'string') out += quoted(v);
    // Numbers as pg sends them (NaN and Infinity are valid numeric / float input); booleans as true / false.
    else out += `"${String(v)}"`;
  }
  return `${out}}`;
}

function quoted(s: string): string {
  if (s.indexOf('"') < 0 && s.indexOf('\\') < 0) return `"${s}"`;
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
