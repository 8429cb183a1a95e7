/**
 * The all-in-one's embedded database with every migration applied, made once per build (tmp/, named by
 * the build's input fingerprint, dist/.build/inputs.sha1) and copied into each new DATA_DIR before the
 * all-in-one starts on it. PGlite's initdb and the migrations were most of an all-in-one's start (about 8 of
 * its 14 s on this loaded 2-core machine), and every e2e file starts one or more. The copy holds the schema
 * only: what a first start does besides (the bootstrap admin token, generated keys) still happens in each.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templateOnce } from '#csms/testing';

const PREFIX = 'pglite-migrated-';

/** Opens (and so migrates) a PGlite data dir with dist/'s openDataSource and ALL_MIGRATIONS, then closes it. */
const MIGRATE = `
const [persistence, schema, dataDir] = process.argv.slice(1);
const { openDataSource } = await import(persistence);
const { ALL_MIGRATIONS } = await import(schema);
const db = await openDataSource({ dataDir, migrations: ALL_MIGRATIONS });
await db.destroy();`;

/** Gives a DATA_DIR without a database the migrated one; a DATA_DIR that has one (a restart) keeps it. */
export async function seedDataDir(dataDir: string, repoRoot: string): Promise<void> {
  if (existsSync(join(dataDir, 'pglite'))) return;
  const template = await migratedTemplate(repoRoot);
  if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
}

async function migratedTemplate(repoRoot: string): Promise<string | undefined> {
  const stampFile = join(repoRoot, 'dist/.build/inputs.sha1');
  // A dist/ not built by tools/build.mjs: nothing says which migrations it holds, so every start migrates.
  if (!existsSync(stampFile)) return undefined;
  const template = join(repoRoot, 'tmp', `${PREFIX}${readFileSync(stampFile, 'utf8').trim().slice(0, 16)}`);
  return templateOnce(template, PREFIX, (work) => {
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', MIGRATE, join(repoRoot, 'dist/libs/persistence/src/index.js'), join(repoRoot, 'dist/apps/csms/src/schema.js'), work],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 },
    );
    if (run.status !== 0) throw new Error(`migrating the template database failed (${run.status ?? run.signal}):\n${run.stderr}`);
  });
}
