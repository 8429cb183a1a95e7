/**
 * Which checkout's build the benchmarks start as the system under test: this one, or the one `--server-root`
 * names. Measuring an older build under today's harness, in the same run and on the same machine, is how a
 * regression of the server is told apart from a change of the harness or of the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../test/support/processes.js';
import { BenchArgsError } from './flags.js';

export interface ServerRoot {
  /** The checkout's absolute path; its `dist/apps/csms/main.js` is what runs. */
  dir: string;
  /** Its commit (short hash, "+changes" when its tree differs from it), for the report. */
  revision: string;
  /** True unless --server-root named another checkout. */
  own: boolean;
}

let current: ServerRoot | undefined;

function revisionOf(dir: string): string {
  const head = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'not a git checkout';
  const dirty = spawnSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? '+changes' : ''}`;
}

/** Checks that `dir` holds a built all-in-one; a missing build stops the run before anything starts. */
export function serverRootAt(dir: string): ServerRoot {
  const abs = resolve(dir);
  const main = join(abs, 'dist/apps/csms/main.js');
  if (!existsSync(main)) throw new BenchArgsError(`--server-root: ${main} does not exist (build that checkout first: npm ci && npm run build)`);
  return { dir: abs, revision: revisionOf(abs), own: abs === resolve(repoRoot) };
}

/** Set once by bench/run.ts from its flags. */
export function useServerRoot(root: ServerRoot): void {
  current = root;
}

/** The checkout the system under test runs from (this one unless --server-root said otherwise). */
export function serverRoot(): ServerRoot {
  return (current ??= { dir: resolve(repoRoot), revision: revisionOf(repoRoot), own: true });
}
