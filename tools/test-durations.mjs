#!/usr/bin/env node
// Writes tools/test-durations.json, each test file's seconds in the last `npm test` (from its tmp/jest-<tier>.json
// reports). Jest runs the longest files of a tier first when it knows their times, but it keeps them in its cache
// directory, which a clean clone (CI) has not got: it then orders by file size, and the e2e and infrastructure
// scenarios that run longest are the smallest files (the scenario is in test/support). Started last, one of them
// ran alone for over a minute at the end of its lane. tools/test-sequencer.mjs reads these times where Jest's
// cache has none. Run it after an `npm test` when files were added or their times changed much; commit the result.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'tools', 'test-durations.json');
// Starts from the recorded times, so a tier that did not run here (no PostgreSQL, say) keeps its files' times;
// files that no longer exist are dropped.
const durations = Object.fromEntries(
  Object.entries(existsSync(target) ? JSON.parse(readFileSync(target, 'utf8')) : {}).filter(([file]) => existsSync(join(root, file))),
);
for (const tier of ['unit', 'browser', 'e2e', 'infra']) {
  const report = join(root, 'tmp', `jest-${tier}.json`);
  if (!existsSync(report)) continue;
  for (const file of JSON.parse(readFileSync(report, 'utf8')).testResults ?? []) {
    durations[relative(root, file.name)] = Math.max(0.1, Math.round((file.endTime - file.startTime) / 100) / 10);
  }
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync(target, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`tools/test-durations.json: ${Object.keys(sorted).length} files`);
