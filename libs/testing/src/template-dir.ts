/**
 * Made-once directories the tests copy from (a migrated PGlite database): the repository root they live under,
 * and making one so that tests running side by side each see the whole template or none.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from a module in the sources or in their build (dist/): the nearest package.json outside dist/. */
export function repoRootOf(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith(`${'/'}dist`)) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

/**
 * Returns `template`, making it first if it is not there: `make` fills `<work>/pglite` in a private work
 * directory beside it, which is then renamed into place in one step (a test beside this one sees the whole
 * template or none; if two made it at once, the first rename wins). Older templates whose names start with
 * `stalePrefix` go: they held what has changed since.
 */
export async function templateOnce(template: string, stalePrefix: string, make: (work: string) => void | Promise<void>): Promise<string> {
  if (existsSync(template)) return template;
  const root = dirname(template);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, '.making-'));
  try {
    await make(work);
    for (const old of readdirSync(root))
      if (old.startsWith(stalePrefix) && old !== basename(template)) rmSync(join(root, old), { recursive: true, force: true });
    try {
      renameSync(join(work, 'pglite'), template);
    } catch (err) {
      if (!existsSync(template)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return template;
}
