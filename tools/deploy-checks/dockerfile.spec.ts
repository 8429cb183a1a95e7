/**
 * docker/Dockerfile and docker/build-steps.sh, read statically (no Docker engine in CI): the image
 * is built by the same steps as CI, runs as user node, picks its app with ARG APP, checks its own
 * health with node's fetch, exposes the ENV_SPEC default ports.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV_BY_NAME, envDefault, KNOWN_APPS, REPO, repoPath } from './support.js';

interface Instr {
  stage: string;
  op: string;
  args: string;
}

/** Instructions with their stage, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instr[] {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const out: Instr[] = [];
  let stage = '';
  for (const line of joined
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${out.length}`;
    out.push({ stage, op: upper, args });
  }
  return out;
}

const dockerfile = parseDockerfile(readFileSync(repoPath('docker/Dockerfile'), 'utf8'));
const inStage = (stage: string, op?: string): Instr[] => dockerfile.filter((i) => i.stage === stage && (!op || i.op === op));
const stages = [...new Set(dockerfile.filter((i) => i.op === 'FROM').map((i) => i.stage))];
const runtime = stages[stages.length - 1];
const stripMount = (args: string): string => args.replace(/--mount=\S+\s*/g, '').trim();
const buildSteps = repoPath('docker/build-steps.sh');

/** Runs build-steps.sh with a stand-in npm that records what it was asked to do (and where). */
function runBuildSteps(...args: string[]): { status: number | null; calls: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'build-steps-'));
  try {
    const log = join(dir, 'npm.log');
    writeFileSync(join(dir, 'npm'), `#!/bin/sh\necho "$(pwd)|$*" >> "${log}"\n`);
    chmodSync(join(dir, 'npm'), 0o755);
    const r = spawnSync('bash', [buildSteps, ...args], { env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` }, encoding: 'utf8' });
    const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
    return { status: r.status, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('docker/build-steps.sh (the build CI runs)', () => {
  const text = readFileSync(buildSteps, 'utf8');
  it('is a strict bash script', () => {
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(spawnSync('bash', ['-n', buildSteps]).status).toBe(0);
  });
  it('runs exactly `npm ci` then `npm run build`, from the repository root', () => {
    expect(
      text
        .match(/^\s*npm .*$/gm)
        ?.map((l) => l.trim())
        .sort(),
    ).toEqual(['npm ci', 'npm ci', 'npm run build', 'npm run build']);
    expect(runBuildSteps()).toEqual({ status: 0, calls: [`${REPO}|ci`, `${REPO}|run build`] });
    expect(runBuildSteps('deps')).toEqual({ status: 0, calls: [`${REPO}|ci`] });
    expect(runBuildSteps('build')).toEqual({ status: 0, calls: [`${REPO}|run build`] });
    expect(runBuildSteps('nonsense')).toEqual({ status: 2, calls: [] });
    // The runtime copy needs its output directory and calls no npm.
    expect(runBuildSteps('runtime').calls).toEqual([]);
    expect(runBuildSteps('runtime').status).not.toBe(0);
  });
  it('is what CI does: .ci/run installs with `npm ci`, and its build is `npm run build` (tools/build.mjs)', () => {
    const ci = readFileSync(repoPath('.ci/run'), 'utf8');
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(ci).toMatch(/^\s*(npm ci|bash docker\/build-steps\.sh)\b/m);
    expect(pkg.scripts.build).toBe('node tools/build.mjs');
    // CI builds through `npm test` (tools/test.mjs runs tools/build.mjs before the tests) or calls the build itself.
    const testScript = existsSync(repoPath('tools/test.mjs')) ? readFileSync(repoPath('tools/test.mjs'), 'utf8') : '';
    const ciBuilds =
      /npm run build|docker\/build-steps\.sh/.test(ci) ||
      (/\bnpm test\b/.test(ci) && pkg.scripts.test === 'node tools/test.mjs' && testScript.includes("'tools/build.mjs'"));
    expect(ciBuilds).toBe(true);
  });
});

describe('docker/Dockerfile', () => {
  it('is multi-stage: build, production dependencies, runtime', () => {
    expect(stages).toEqual(['build', 'prod-deps', 'runtime']);
  });
  it('builds only through docker/build-steps.sh: deps (cached layer), build, then the runtime copy', () => {
    const runs = inStage('build', 'RUN').map((i) => stripMount(i.args));
    expect(runs).toEqual(['bash docker/build-steps.sh deps', 'bash docker/build-steps.sh build', 'bash docker/build-steps.sh runtime /runtime']);
  });
  it('installs production dependencies only, as locked, without install scripts, for the runtime', () => {
    expect(inStage('prod-deps', 'RUN').map((i) => stripMount(i.args))).toEqual(['npm ci --omit=dev --omit=optional --ignore-scripts']);
  });
  it("copies into the runtime only the runtime step's output (no tests: runtime-image.e2e.ts) and production dependencies", () => {
    const copies = inStage(runtime, 'COPY')
      .map((i) => i.args)
      .filter((a) => a.startsWith('--from='));
    expect(copies.sort()).toEqual(
      ['--from=build /runtime/dist ./dist', '--from=build /runtime/package.json ./', '--from=prod-deps /src/node_modules ./node_modules'].sort(),
    );
  });
  it('keeps package.json at run time because its subpath imports point into dist/', () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { type: string; imports: Record<string, Record<string, string>> };
    expect(pkg.type).toBe('module');
    expect(pkg.imports['#csms/*'].default).toBe('./dist/libs/*/src/index.js');
  });
  it('runs the Node LTS that CI tests (.ci/run), a pinned minor that satisfies engines', () => {
    const arg = dockerfile.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    const m = /^NODE_IMAGE=node:(\d+)\.(\d+)-[a-z-]+$/.exec(arg?.args ?? '');
    expect(m).not.toBeNull();
    const ci = /^NODE_LTS_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(readFileSync(repoPath('.ci/run'), 'utf8'));
    expect([m?.[1], m?.[2]]).toEqual([ci?.[1], ci?.[2]]);
    // Even-numbered majors are the LTS lines.
    expect(Number(m?.[1]) % 2).toBe(0);
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { engines: { node: string } };
    const min = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(Number(min?.[1]));
    for (const from of dockerfile.filter((i) => i.op === 'FROM')) expect(from.args).toMatch(/^\$\{NODE_IMAGE\} AS /);
  });
  it('runs as the non-root user node, the app chosen by ARG APP, under tini', () => {
    const users = inStage(runtime, 'USER');
    expect(users[users.length - 1]?.args).toBe('node');
    expect(inStage(runtime, 'ARG').map((i) => i.args)).toContain('APP=csms');
    const entry = JSON.parse(inStage(runtime, 'ENTRYPOINT')[0].args) as string[];
    expect(entry).toEqual(['/usr/bin/tini', '--', '/usr/local/bin/csms-entrypoint']);
    const entrypoint = readFileSync(repoPath('docker/entrypoint.sh'), 'utf8');
    expect(entrypoint).toContain('exec node "dist/apps/${app}/main.js" "$@"');
    expect(spawnSync('sh', ['-n', repoPath('docker/entrypoint.sh')]).status).toBe(0);
    // A command given to the image runs as given (compose's migrate, kubectl debug).
    expect(spawnSync('sh', [repoPath('docker/entrypoint.sh'), 'echo', 'as-given'], { encoding: 'utf8' }).stdout).toBe('as-given\n');
  });
  it("checks /health/live with node's fetch on API_PORT (no curl in slim images)", () => {
    const hc = inStage(runtime, 'HEALTHCHECK')[0]?.args ?? '';
    expect(hc).toContain('/health/live');
    expect(hc).toContain('fetch(');
    expect(hc).toContain('process.env.API_PORT');
    expect(hc).toContain(`'${envDefault('API_PORT')}'`);
    expect(hc).not.toMatch(/\b(curl|wget)\b/);
  });
  it('exposes the ENV_SPEC defaults of OCPP_PORT and API_PORT', () => {
    const ports = inStage(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(ports.sort()).toEqual([envDefault('OCPP_PORT'), envDefault('API_PORT')].sort());
  });
  it('sets no environment variable outside ENV_SPEC (NODE_ENV, read by dependencies, excepted)', () => {
    const names = dockerfile.filter((i) => i.op === 'ENV').map((i) => i.args.split(/[=\s]/)[0]);
    expect(names.filter((n) => n !== 'NODE_ENV' && !ENV_BY_NAME.has(n))).toEqual([]);
  });
  it('knows every app under apps/ (APP is checked against dist/apps at build time)', () => {
    // An app without src/main.ts runs nowhere on its own: apps/dashboard is static files the gateway serves.
    const apps = readdirSync(repoPath('apps'))
      .filter((a) => existsSync(repoPath('apps', a, 'src/main.ts')))
      .sort();
    expect(apps).toEqual([...KNOWN_APPS].sort());
  });
});

describe('.dockerignore (repository root: the build context)', () => {
  const lines = readFileSync(repoPath('.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim());
  it('keeps local output, git and secrets out of the context', () => {
    for (const p of ['.git', '**/node_modules', 'dist', '**/.env']) expect(lines).toContain(p);
  });
  it('keeps what the build needs', () => {
    for (const p of ['package.json', 'package-lock.json', 'tools', 'apps', 'libs', 'tsconfig.json', 'docker']) expect(lines).not.toContain(p);
  });
});
