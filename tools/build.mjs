#!/usr/bin/env node
// Builds everything with one TypeScript pass (ESM output under dist/, same tree as the sources), the
// ops dashboard's browser files (buildDashboard), and writes dist/apps/<name>/main.js, the entry point
// each container and `npm start` run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build: TypeScript reported errors (above)');
  process.exit(tsc.status ?? 1);
}
buildDashboard();
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(root, 'dist/apps', app, 'src/main.js'))) continue;
  mkdirSync(join(root, 'dist/apps', app), { recursive: true });
  writeFileSync(join(root, 'dist/apps', app, 'main.js'), "import './src/main.js';\n");
}
console.log('build: dist/ ready');

/**
 * The ops dashboard (apps/dashboard): its own TypeScript pass with the DOM types into
 * dist/apps/dashboard/public/js, its static files, and uPlot's ES module and stylesheet served from
 * there too (no CDN). The gateway serves dist/apps/dashboard/public at /.
 */
function buildDashboard() {
  const out = join(root, 'dist/apps/dashboard/public');
  const dashboardTsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'apps/dashboard/tsconfig.json')], { stdio: 'inherit' });
  if (dashboardTsc.status !== 0) {
    console.error('build: TypeScript reported errors in apps/dashboard (above)');
    process.exit(dashboardTsc.status ?? 1);
  }
  cpSync(join(root, 'apps/dashboard/public'), out, { recursive: true });
  const uplot = join(root, 'node_modules/uplot/dist');
  cpSync(join(uplot, 'uPlot.esm.js'), join(out, 'js/vendor/uPlot.esm.js'));
  cpSync(join(uplot, 'uPlot.min.css'), join(out, 'vendor/uPlot.min.css'));
}
