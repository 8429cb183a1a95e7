#!/usr/bin/env node
// Builds everything with one TypeScript pass (ESM output under dist/, same tree as the sources), the
// ops dashboard's browser files (buildDashboard), and writes dist/apps/<name>/main.js, the entry point
// each container and `npm start` run.
//
// Incremental: both TypeScript passes keep their build info under dist/.build, so a build with nothing
// changed only checks what changed, and a build whose inputs (sources, configs, lock file, this script)
// have not changed since the last one does nothing at all (a second `npm start` starts at once).
// Outputs whose source was deleted or renamed are removed afterwards, so dist/ never runs stale code.
// `node tools/build.mjs --clean` (or deleting dist/) builds from scratch.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, existsSync, writeFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const info = join(dist, '.build');
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
mkdirSync(info, { recursive: true });
const stamp = join(info, 'inputs.sha1');
const inputs = fingerprint();
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs && existsSync(join(dist, 'apps/csms/main.js'))) {
  console.log('build: dist/ up to date');
  process.exit(0);
}
rmSync(stamp, { force: true });

function tsc(project, buildInfo, what) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--incremental', '--tsBuildInfoFile', join(info, buildInfo)],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    console.error(`build: TypeScript reported errors${what} (above)`);
    process.exit(r.status ?? 1);
  }
}

tsc(join(root, 'tsconfig.json'), 'root.tsbuildinfo', '');
buildDashboard();
const entries = new Set();
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(dist, 'apps', app, 'src/main.js'))) continue;
  mkdirSync(join(dist, 'apps', app), { recursive: true });
  const entry = join(dist, 'apps', app, 'main.js');
  entries.add(entry);
  const text = "import './src/main.js';\n";
  if (!existsSync(entry) || readFileSync(entry, 'utf8') !== text) writeFileSync(entry, text);
}
const pruned = prune(dist, (file) => {
  if (entries.has(file)) return true;
  const rel = relative(dist, file);
  if (rel.startsWith('.build/')) return true;
  const dashboard = 'apps/dashboard/public/';
  if (rel.startsWith(dashboard)) {
    const inPublic = rel.slice(dashboard.length);
    if (inPublic.startsWith('js/vendor/') || inPublic.startsWith('vendor/')) return true;
    if (inPublic.startsWith('js/')) return existsSync(join(root, dashboardSource(inPublic.slice(3))));
    return existsSync(join(root, 'apps/dashboard/public', inPublic));
  }
  return existsSync(join(root, source(rel)));
});
writeFileSync(stamp, inputs);
console.log(`build: dist/ ready${pruned ? ` (${pruned} stale output(s) of deleted sources removed)` : ''}`);

/** Every input of the build by path, size and modification time: cheap to take, changes with any edit. */
function fingerprint() {
  const hash = createHash('sha1');
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        hash.update(`${relative(root, path)}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ['apps', 'libs', 'bench', 'tools', 'test']) walk(join(root, dir));
  for (const file of ['tsconfig.json', 'tsconfig.base.json', 'package.json', 'package-lock.json']) {
    if (existsSync(join(root, file))) hash.update(`${file}:${statSync(join(root, file)).mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** The TypeScript source a compiled file came from: x.js / x.js.map -> x.ts. */
function source(compiled) {
  return compiled.replace(/\.js(\.map)?$/, '.ts');
}

/** Removes files `keep` refuses, depth first; returns how many. */
function prune(dir, keep) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) n += prune(path, keep);
    else if (!keep(path)) {
      rmSync(path);
      n++;
    }
  }
  return n;
}

/**
 * The ops dashboard (apps/dashboard): its own TypeScript pass with the DOM types, its static files, and
 * uPlot's ES module and stylesheet served from there too (no CDN). The gateway serves
 * dist/apps/dashboard/public at /.
 *
 * The pass compiles into dist/.build/dashboard (rootDir is the repository, apps/dashboard/tsconfig.json says
 * why); from there the dashboard's files go to public/js/ and the libs' portable modules it imports to
 * public/js/portable/<lib>/. The browser has no package.json "imports", so each `#csms/<lib>/portable` specifier
 * becomes the relative path to that copy (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).
 */
function buildDashboard() {
  const out = join(dist, 'apps/dashboard/public');
  const staging = join(info, 'dashboard');
  // `from '#csms/<lib>/portable'`, `import('#csms/<lib>/portable')` and `import '#csms/<lib>/portable'` in compiled JavaScript.
  const PORTABLE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])#csms\/([a-z0-9-]+)\/portable\2/g;
  tsc(join(root, 'apps/dashboard/tsconfig.json'), 'dashboard.tsbuildinfo', ' in apps/dashboard');
  for (const file of jsFiles(join(staging, 'apps/dashboard/src'))) {
    const inJs = relative(join(staging, 'apps/dashboard/src'), file);
    if (!existsSync(join(root, dashboardSource(inJs)))) continue;
    const toJs = relative(dirname(join('js', inJs)), 'js').replaceAll(sep, '/') || '.';
    const text = readFileSync(file, 'utf8').replace(PORTABLE_SPECIFIER, (_, before, quote, lib) => `${before}${quote}${toJs}/portable/${lib}/index.js${quote}`);
    writeIfChanged(join(out, 'js', inJs), text);
  }
  if (existsSync(join(staging, 'libs'))) {
    for (const lib of readdirSync(join(staging, 'libs'))) {
      const from = join(staging, 'libs', lib, 'src/portable');
      for (const file of jsFiles(from)) {
        const inJs = join('portable', lib, relative(from, file));
        if (existsSync(join(root, dashboardSource(inJs)))) writeIfChanged(join(out, 'js', inJs), readFileSync(file, 'utf8'));
      }
    }
  }
  cpSync(join(root, 'apps/dashboard/public'), out, { recursive: true });
  const uplot = join(root, 'node_modules/uplot/dist');
  cpSync(join(uplot, 'uPlot.esm.js'), join(out, 'js/vendor/uPlot.esm.js'));
  cpSync(join(uplot, 'uPlot.min.css'), join(out, 'vendor/uPlot.min.css'));
}

/** The source of a file under public/js/: the dashboard's own, or (portable/<lib>/...) a lib's portable module. */
function dashboardSource(inJs) {
  const parts = inJs.split(sep);
  if (parts[0] === 'portable') return join('libs', parts[1], 'src/portable', source(parts.slice(2).join('/')));
  return join('apps/dashboard/src', source(inJs));
}

function jsFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

/** Writes only what differs, so an unchanged file keeps its time (and the gateway's ETag). */
function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
