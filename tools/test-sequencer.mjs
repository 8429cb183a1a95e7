// Jest's sequencer, with tools/test-durations.json as the times of files its cache has none for (a clean clone:
// CI). Jest starts the longest files of a run first so that no worker runs one alone at the end; without times
// it orders by file size, which put the longest scenarios (small files) last. See tools/test-durations.mjs.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sequencer from '@jest/test-sequencer';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Seconds per file, relative to the repository's root. */
const recorded = JSON.parse(readFileSync(join(root, 'tools', 'test-durations.json'), 'utf8'));

export default class RecordedDurationsSequencer extends Sequencer {
  /** Jest's own time of the file (ms) when its cache has one, else the recorded one; none for a new file (run first). */
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const seconds = recorded[relative(root, test.path)];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}
