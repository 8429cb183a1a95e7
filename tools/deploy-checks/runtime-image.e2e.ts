/**
 * What the image's runtime stage holds, without a Docker engine: docker/build-steps.sh's `runtime`
 * step (the one the Dockerfile runs) copies the built dist/ into a temp dir, production dependencies
 * are laid beside it as the prod-deps stage's `npm ci` installs them (checked against that command's
 * --dry-run), and then: no test file or test helper is in it, every import of every app resolves
 * inside it to a file or a production dependency, and the all-in-one started from it serves a charger.
 * Needs the build (`node tools/build.mjs`), like every e2e test.
 */
import { jest } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { freePort, waitFor } from '#csms/testing';
import { REPO, repoPath } from './support.js';

jest.setTimeout(600_000);

interface LockEntry {
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
}
const lock = JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
/**
 * node_modules/<path> of every package `npm ci --omit=dev --omit=optional` installs. --omit=optional
 * too: typescript is a dev dependency and an optional peer of @nestjs/swagger ("devOptional"), which
 * --omit=dev alone installs.
 */
const productionPaths = Object.entries(lock.packages)
  .filter(([path, e]) => path !== '' && !e.dev && !e.optional && !e.devOptional && !e.link)
  .map(([path]) => path);
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
/** The prod-deps stage's install command, as docker/Dockerfile runs it. */
function prodDepsCommand(): string[] {
  const text = readFileSync(repoPath('docker/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stage = text.split(/^FROM /m).find((s) => /\bAS prod-deps\b/.test(s.split('\n')[0])) ?? '';
  const run = /^RUN (.*)$/m.exec(stage)?.[1] ?? '';
  return run
    .replace(/--mount=\S+\s*/g, '')
    .trim()
    .split(/\s+/);
}

/** Hard links (same file system, no copy) of a package's files, without its nested node_modules. */
function linkPackage(src: string, dst: string): void {
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    if (name === 'node_modules') continue;
    const from = join(src, name);
    const to = join(dst, name);
    const st = lstatSync(from);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (st.isDirectory()) linkPackage(from, to);
    else linkSync(from, to);
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
}

const IMPORT = /(?:^|[\s;})])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Where Node resolves `spec` through the package.json "imports", as Node matches them: a key equal to it, else among
 * the keys whose prefix and suffix around `*` fit, the longest prefix wins, then the longest key (Jest maps #csms/*
 * itself, so Node's resolver is not used).
 */
function importTarget(imports: Record<string, { default: string }>, spec: string, root: string): string | undefined {
  if (Object.hasOwn(imports, spec)) return join(root, imports[spec].default);
  const fits = Object.keys(imports)
    .map((key) => ({ key, star: key.indexOf('*') }))
    .filter(({ key, star }) => star >= 0 && spec.startsWith(key.slice(0, star)) && spec.endsWith(key.slice(star + 1)) && spec.length >= key.length - 1)
    .sort((a, b) => b.star - a.star || b.key.length - a.key.length);
  const best = fits[0];
  if (!best) return undefined;
  const matched = spec.slice(best.star, spec.length - (best.key.length - best.star - 1));
  return join(root, imports[best.key].default.replace('*', matched));
}

/** Walks the static and literal dynamic imports from `entry`; returns what does not resolve inside `root`. */
function unresolvedImports(root: string, entries: string[], production: Set<string>): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const queue = [...entries];
  const builtins = new Set(builtinModules);
  const imports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { imports: Record<string, { default: string }> }).imports;
  while (queue.length) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const from = relative(root, file);
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (existsSync(target)) queue.push(target);
        else problems.push(`${from}: ${spec} is not in the runtime tree`);
      } else if (spec.startsWith('#csms/')) {
        const target = importTarget(imports, spec, root);
        if (target !== undefined && existsSync(target)) queue.push(target);
        else problems.push(`${from}: ${spec} (${target ? relative(root, target) : 'no pattern matches'}) is not in the runtime tree`);
      } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!production.has(name)) problems.push(`${from}: ${name} is not a production dependency`);
      }
    }
  }
  return problems;
}

describe('the runtime stage of docker/Dockerfile', () => {
  let dir: string;
  let app: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    if (!existsSync(repoPath('dist/apps/csms/main.js'))) throw new Error('no dist/: run `node tools/build.mjs` first');
    dir = mkdtempSync(join(tmpdir(), 'csms-runtime-'));
    app = join(dir, 'app');
    const r = spawnSync('bash', [repoPath('docker/build-steps.sh'), 'runtime', app], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-steps.sh runtime failed: ${r.stderr}`);
    const modules = realpathSync(repoPath('node_modules'));
    for (const p of productionPaths) linkPackage(join(modules, p.slice('node_modules/'.length)), join(app, p));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds no test, test helper, benchmark or tool: package.json and dist/apps, dist/libs', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(['apps', 'libs']);
    const code = files(join(app, 'dist')).map((f) => relative(app, f));
    expect(code.filter((f) => /\.(spec|e2e|infra)\.js(\.map)?$/.test(f) || /\/test-support\/|^dist\/libs\/testing\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    // The same run of the build did compile them: what was left out existed.
    expect(existsSync(repoPath('dist/libs/testing/src/index.js'))).toBe(true);
    expect(files(repoPath('dist/libs')).some((f) => f.endsWith('.spec.js'))).toBe(true);
    // Every service app ships its entry point; the dashboard is browser files the gateway serves from there.
    for (const a of readdirSync(repoPath('apps'))) {
      const entry = a === 'dashboard' ? 'public/index.html' : 'main.js';
      expect([a, existsSync(join(app, 'dist/apps', a, entry))]).toEqual([a, true]);
    }
  });

  it('has exactly the packages the prod-deps stage installs (its npm ci --dry-run), none of them a devDependency', () => {
    const command = prodDepsCommand();
    expect(command.slice(0, 2)).toEqual(['npm', 'ci']);
    const scratch = join(dir, 'dry-run');
    mkdirSync(scratch);
    for (const f of ['package.json', 'package-lock.json']) linkSync(repoPath(f), join(scratch, f));
    const dry = spawnSync('npm', [...command.slice(1), '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: scratch, encoding: 'utf8' });
    expect(dry.status).toBe(0);
    const added = [...dry.stdout.matchAll(/^add (\S+) \S+$/gm)].map((m) => m[1]).sort();
    expect(added).toEqual(productionPaths.map(nameOf).sort());
    const dev = Object.keys(pkg.devDependencies);
    expect(dev.length).toBeGreaterThan(0);
    for (const name of dev) expect([name, existsSync(join(app, 'node_modules', name))]).toEqual([name, false]);
    for (const name of Object.keys(pkg.dependencies)) expect([name, existsSync(join(app, 'node_modules', name, 'package.json'))]).toEqual([name, true]);
  });

  it('every import of every app resolves inside it: its own files, node built-ins, production dependencies', () => {
    const production = new Set(productionPaths.map(nameOf));
    const entries = readdirSync(join(app, 'dist/apps'))
      .map((a) => join(app, 'dist/apps', a, 'main.js'))
      .filter((f) => existsSync(f));
    expect(entries.length).toBe(readdirSync(join(app, 'dist/apps')).length - 1);
    expect(unresolvedImports(app, entries, production)).toEqual([]);
  });

  it('runs: the all-in-one started from it serves a charger (BootNotification Accepted)', async () => {
    const [apiPort, ocppPort] = [await freePort(), await freePort()];
    let output = '';
    child = spawn(process.execPath, ['dist/apps/csms/main.js'], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        API_AUTH: 'token',
        API_PORT: String(apiPort),
        OCPP_PORT: String(ocppPort),
        DATA_DIR: join(dir, 'data'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => void (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => void (output += d.toString()));
    await waitFor(
      async () => {
        if (child?.exitCode !== null) throw new Error(`csms exited with ${String(child?.exitCode)}:\n${output}`);
        return fetch(`http://127.0.0.1:${apiPort}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
      },
      'the all-in-one from the runtime tree to be ready',
      300_000,
    );

    const ws = new WebSocket(`ws://127.0.0.1:${ocppPort}/RUNTIME-1`, ['ocpp1.6']);
    const reply = new Promise<unknown[]>((res, rej) => {
      ws.once('message', (d) => res(JSON.parse(d.toString()) as unknown[]));
      ws.once('error', rej);
    });
    await new Promise((res, rej) => ws.once('open', res).once('error', rej));
    ws.send(JSON.stringify([2, 'boot-1', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }]));
    const [type, id, payload] = await reply;
    ws.close();
    expect([type, id, (payload as { status: string }).status]).toEqual([3, 'boot-1', 'Accepted']);
    // The ops dashboard comes from the same tree.
    const page = await fetch(`http://127.0.0.1:${apiPort}/`);
    expect([page.status, page.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'text/html']);
  });
});
