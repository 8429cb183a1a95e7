/**
 * A PGlite data directory with a list of migrations applied, made once and copied into each unit test's
 * database directory: PGlite's initdb and the migrations were most of opening a test database (several
 * seconds of CPU each, on the 2 cores `npm test` shares between its tiers). The template is named by what
 * it holds (each migration's name and source, PGlite's version), so a changed migration makes a new one.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataSource, type PersistenceOptions } from '#csms/persistence';

/** The repository root, from the sources or from their build (dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith(`${'/'}dist`)) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

/** PGlite's version (its package.json is not among its exports): another version may lay out its data differently. */
function pgliteVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Copies the migrated template (made first if needed) to `<dataDir>/pglite`, where openDataSource opens PGlite. */
export async function seedMigrated(dataDir: string, migrations: PersistenceOptions['migrations'], label: string): Promise<void> {
  const list = (Array.isArray(migrations) ? migrations : Object.values(migrations)) as unknown[];
  const repo = repoRoot();
  const hash = createHash('sha1').update(pgliteVersion(repo));
  for (const m of list) hash.update(typeof m === 'function' ? `${m.name}\n${m.toString()}` : String(m));
  // <repo>/tmp: git-ignored, outside every lint and format check.
  const root = join(repo, 'tmp', 'pglite-templates');
  const name = `${label}${hash.digest('hex').slice(0, 16)}`;
  const template = join(root, name);
  if (!existsSync(template)) {
    mkdirSync(root, { recursive: true });
    const work = mkdtempSync(join(root, '.making-'));
    try {
      const db = await openDataSource({ dataDir: work, migrations });
      await db.destroy();
      // Older templates of the same label held migrations that have changed since.
      for (const old of readdirSync(root)) if (old.startsWith(label) && old !== name) rmSync(join(root, old), { recursive: true, force: true });
      try {
        // Atomic: a Jest worker beside this one sees the whole template or none.
        renameSync(join(work, 'pglite'), template);
      } catch (err) {
        if (!existsSync(template)) throw err;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  cpSync(template, join(dataDir, 'pglite'), { recursive: true });
}
