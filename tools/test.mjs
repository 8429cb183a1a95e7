#!/usr/bin/env node
// `npm test`: lint (ESLint, Prettier's check), build, then every test tier this machine can run — unit,
// end-to-end (the running system over WebSocket and HTTP), browser (the ops dashboard in Chromium),
// infrastructure (real NATS with JetStream + PostgreSQL), the last three side by side (below). A tier that
// cannot run here is skipped LOUDLY with the reason; with REQUIRE_INFRA=1 (CI) a missing tier is a failure.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, dirname, relative } from 'node:path';
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
/** One line per failed test (file › name: the first line of its error), printed again at the very end: CI shows only the output's tail. */
const failedTests = [];

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

/**
 * One Jest run of a tier (`workers`: 1 in band, a number of Jest workers, or Jest's default), its output in tmp/test-<tier>.log (printed in one block when the tier ends, so
 * tiers running side by side never interleave), its counts from tmp/jest-<tier>.json.
 */
function jest(tier, match, workers) {
  const out = join(root, 'tmp', `jest-${tier}.json`);
  const log = join(root, 'tmp', `test-${tier}.log`);
  rmSync(out, { force: true });
  const args = [
    '--experimental-vm-modules',
    join(root, 'node_modules/jest/bin/jest.js'),
    '--ci',
    '--forceExit',
    `--testMatch=${match}`,
    '--json',
    `--outputFile=${out}`,
    ...(workers === 1 ? ['--runInBand'] : workers ? [`--maxWorkers=${workers}`] : []),
    ...extra,
  ];
  console.log(`=== ${tier} tests (${match}) started; output: ${relative(root, log)}`);
  const began = Date.now();
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', fd, fd], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  closeSync(fd);
  return new Promise((resolve) => {
    child.once('error', (err) => finish(1, err));
    child.once('exit', (code) => finish(code ?? 1));
    let done = false;
    function finish(status, err) {
      if (done) return;
      done = true;
      const counts = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
      if (counts) {
        totals.passed += counts.numPassedTests;
        totals.failed += counts.numFailedTests + (counts.numRuntimeErrorTestSuites ?? 0);
        totals.skipped += counts.numPendingTests;
        failedTests.push(...failuresOf(counts));
      }
      if (status !== 0) failedTiers.push(tier);
      const seconds = Math.round((Date.now() - began) / 1000);
      console.log(`\n=== ${tier} tests (${match}): ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s ===`);
      process.stdout.write(readFileSync(log, 'utf8'));
      if (err) console.error(String(err));
      resolve();
    }
  });
}

/** The failed tests of one Jest JSON report, and the files that failed without running a test (a hook, an import). */
function failuresOf(report) {
  // The error's first lines (an assertion's kind and its diff's start), joined, without colours.
  const errorHead = (text) =>
    String(text ?? '')
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .slice(0, 4)
      .join(' | ');
  const lines = [];
  for (const file of report.testResults ?? []) {
    const name = relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failed) lines.push(`${name} › ${a.fullName}: ${errorHead(a.failureMessages?.[0]).slice(0, 400)}`);
    if (failed.length === 0 && file.status === 'failed') lines.push(`${name}: ${errorHead(file.message).slice(0, 400)}`);
  }
  return lines;
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

// The dashboard's tests drive Debian's Chromium through playwright-core (.ci/run installs it).
const chromium = '/usr/bin/chromium';
const browser = existsSync(chromium);
if (!browser) skipped('browser', 'BROWSER', `${chromium} not found (apt-get install chromium)`, 'the ops dashboard tests in Chromium did not run.');
const nats = natsBinary();
const postgres = await reachable(5432);
if (!nats || !postgres) {
  const why = [!nats && 'nats-server binary not found', !postgres && 'PostgreSQL not reachable at 127.0.0.1:5432'].filter(Boolean).join('; ');
  skipped('infra', 'INFRASTRUCTURE', why, 'NATS JetStream + PostgreSQL tests did not run.');
}

// The tiers share nothing (every e2e/infra file starts its own processes on free ports, with its own data
// directory, nats-server and database), and the e2e, browser and infra tests spend most of their time
// waiting on the systems they started, so they run side by side: the unit tier (CPU-bound, Jest's
// workers), then the browser tier, beside the e2e tier, beside the infrastructure tier; the e2e and
// infrastructure tiers run two files at a time (a file mostly waits on the processes it started; two
// infrastructure files held at most 42 PostgreSQL connections together, of the server's 100).
// TEST_TIERS_SERIAL=1 runs the tiers one after another (the same order), e.g. to read a failure without the
// others' load.
const lanes = [
  [() => jest('unit', '**/*.spec.ts'), ...(browser ? [() => jest('browser', '**/*.browser.ts', 1)] : [])],
  [() => jest('e2e', '**/*.e2e.ts', 2)],
  ...(nats && postgres ? [[() => jest('infra', '**/*.infra.ts', 2)]] : []),
];
const lane = async (tiers) => {
  for (const tier of tiers) await tier();
};
const began = Date.now();
if (process.env.TEST_TIERS_SERIAL === '1') for (const l of lanes) await lane(l);
else await Promise.all(lanes.map(lane));

if (failedTests.length) console.log(`\nfailed tests:\n${failedTests.map((l) => `  ${l}`).join('\n')}`);
console.log(`\ntiers failed: ${failedTiers.length ? failedTiers.join(', ') : 'none'}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (tiers: ${Math.round((Date.now() - began) / 1000)} s)`);
process.exit(failedTiers.length ? 1 : 0);
