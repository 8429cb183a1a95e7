#!/usr/bin/env node
// `npm test`: lint (ESLint, Prettier's check), build, then every test tier this machine can run — unit,
// end-to-end (the running system over WebSocket and HTTP), browser (the ops dashboard in Chromium),
// infrastructure (real NATS with JetStream + PostgreSQL). A tier that cannot run here is skipped LOUDLY
// with the reason; with REQUIRE_INFRA=1 (CI) a missing tier is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireInfra = process.env.REQUIRE_INFRA === '1';
const extra = process.argv.slice(2);

function run(cmd, args, env = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

function reachable(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = createConnection({ port, host, timeout: 1500 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

function natsBinary() {
  for (const p of [process.env.NATS_SERVER_BIN, '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'])
    if (p && existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

mkdirSync(join(root, 'tmp'), { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedTiers = [];

// First tier: ESLint on the whole tree (eslint.config.js) and Prettier's check (.prettierrc), each one
// check in the totals. Both keep a cache under tmp/, so a second run only looks at what changed.
console.log('\n=== lint (eslint ., prettier --check .) ===');
const lintChecks = [
  ['eslint', [join(root, 'node_modules/eslint/bin/eslint.js'), '--cache', '--cache-location', join(root, 'tmp/eslintcache'), '.']],
  [
    'prettier',
    [
      join(root, 'node_modules/prettier/bin/prettier.cjs'),
      '--check',
      '--log-level',
      'warn',
      '--cache',
      '--cache-location',
      join(root, 'tmp/prettiercache'),
      '.',
    ],
  ],
];
for (const [name, args] of lintChecks) {
  const ok = run(process.execPath, args) === 0;
  console.log(`lint: ${name} ${ok ? 'passed' : 'FAILED'}`);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    if (!failedTiers.includes('lint')) failedTiers.push('lint');
  }
}

if (run(process.execPath, [join(root, 'tools/build.mjs')]) !== 0) process.exit(1);
function jest(tier, match, inBand) {
  const out = join(root, 'tmp', `jest-${tier}.json`);
  const args = [
    '--experimental-vm-modules',
    join(root, 'node_modules/jest/bin/jest.js'),
    '--ci',
    '--forceExit',
    `--testMatch=${match}`,
    '--json',
    `--outputFile=${out}`,
    ...(inBand ? ['--runInBand'] : []),
    ...extra,
  ];
  console.log(`\n=== ${tier} tests (${match}) ===`);
  const status = run(process.execPath, args, { NODE_NO_WARNINGS: '1' });
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    totals.skipped += r.numPendingTests;
  }
  if (status !== 0) failedTiers.push(tier);
}

/** A tier this machine cannot run: said loudly, and a failure under REQUIRE_INFRA=1. */
function skipped(tier, title, why, what) {
  const line = '!'.repeat(71);
  console.error(`\n${line}\n!! ${title} TIER SKIPPED: ${why}\n!! (${what})\n${line}\n`);
  if (requireInfra) {
    console.error(`REQUIRE_INFRA=1: a skipped ${title.toLowerCase()} tier is a failure.`);
    failedTiers.push(`${tier} (unavailable)`);
    totals.failed += 1;
  }
}

jest('unit', '**/*.spec.ts', false);
jest('e2e', '**/*.e2e.ts', true);

// The dashboard's tests drive Debian's Chromium through playwright-core (.ci/run installs it).
const chromium = '/usr/bin/chromium';
if (existsSync(chromium)) jest('browser', '**/*.browser.ts', true);
else skipped('browser', 'BROWSER', `${chromium} not found (apt-get install chromium)`, 'the ops dashboard tests in Chromium did not run.');

const nats = natsBinary();
const postgres = await reachable(5432);
if (nats && postgres) {
  jest('infra', '**/*.infra.ts', true);
} else {
  const why = [!nats && 'nats-server binary not found', !postgres && 'PostgreSQL not reachable at 127.0.0.1:5432'].filter(Boolean).join('; ');
  skipped('infra', 'INFRASTRUCTURE', why, 'NATS JetStream + PostgreSQL tests did not run.');
}

console.log(`\ntiers failed: ${failedTiers.length ? failedTiers.join(', ') : 'none'}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedTiers.length ? 1 : 0);
