/**
 * A PGlite data directory with a list of migrations applied, made once and copied into each unit test's
 * database directory: PGlite's initdb and the migrations were most of opening a test database (several
 * seconds of CPU each, on the 2 cores `npm test` shares between its tiers). The template is named by what
 * it holds (each migration's name and source, PGlite's version), so a changed migration makes a new one.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataSource, type PersistenceOptions } from '#csms/persistence';
import { repoRootOf, templateOnce } from './template-dir.js';

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
  const repo = repoRootOf(import.meta.url);
  const hash = createHash('sha1').update(pgliteVersion(repo));
  for (const m of list) hash.update(typeof m === 'function' ? `${m.name}\n${m.toString()}` : String(m));
  // <repo>/tmp: git-ignored, outside every lint and format check.
  const root = join(repo, 'tmp', 'pglite-templates');
  const name = `${label}${hash.digest('hex').slice(0, 16)}`;
  const template = join(root, name);
  await templateOnce(template, label, async (work) => {
    const db = await openDataSource({ dataDir: work, migrations });
    await db.destroy();
  });
  cpSync(template, join(dataDir, 'pglite'), { recursive: true });
}
