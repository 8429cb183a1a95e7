import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { EmbeddedWorker } from './embedded-worker.js';

/** Openings started before anybody asked, by PGlite directory; taken over by the first `openEmbedded` of it. */
const started = new Map<string, Promise<EmbeddedWorker>>();

/** Where the embedded database keeps its files under DATA_DIR. */
export const embeddedDirOf = (dataDir: string): string => resolve(dataDir, 'pglite');

/** Async, so that a directory it cannot make is a rejection like every other failure to open. */
async function start(dir: string): Promise<EmbeddedWorker> {
  mkdirSync(dir, { recursive: true });
  return EmbeddedWorker.start(dir);
}

/**
 * Starts opening the embedded database on DATA_DIR now, before the process loads the rest of its modules:
 * PGlite's own start (compiling its WebAssembly, reading the data directory) takes about 2 s on its worker
 * thread, which then overlaps the main thread's module loading instead of following it
 * (docs/benchmarks.md#startup). The open that comes later takes this one over, with its outcome.
 */
export function openEmbeddedEarly(dataDir: string): void {
  const dir = embeddedDirOf(dataDir);
  if (started.has(dir)) return;
  const opening = start(dir);
  // The failure belongs to whoever takes the opening over; until then it must not count as unhandled.
  opening.catch(() => undefined);
  started.set(dir, opening);
}

/** The embedded database on DATA_DIR: the opening started early if there is one, else a new one. */
export function openEmbedded(dataDir: string): Promise<EmbeddedWorker> {
  const dir = embeddedDirOf(dataDir);
  const early = started.get(dir);
  started.delete(dir);
  return early ?? start(dir);
}
