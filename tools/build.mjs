#!/usr/bin/env node
// Builds everything with one TypeScript pass (ESM output under dist/, same tree as the sources) and
// writes dist/apps/<name>/main.js, the entry point each container and `npm start` run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build: TypeScript reported errors (above)');
  process.exit(tsc.status ?? 1);
}
for (const app of readdirSync(join(root, 'apps'))) {
  if (!existsSync(join(root, 'dist/apps', app, 'src/main.js'))) continue;
  mkdirSync(join(root, 'dist/apps', app), { recursive: true });
  writeFileSync(join(root, 'dist/apps', app, 'main.js'), "import './src/main.js';\n");
}
console.log('build: dist/ ready');
