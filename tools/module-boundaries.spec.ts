/**
 * The Nx module-boundary rules (tools/eslint/module-boundaries.js, which ESLint also applies at each
 * import), checked over every import of every TypeScript file of every app and lib, plus: every app
 * and lib folder is an Nx project with tags.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { boundaryViolation, readProjects, root } from './eslint/module-boundaries.js';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (full.endsWith('.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function violations(): string[] {
  const projects = readProjects();
  const found: string[] = [];
  for (const project of projects) {
    for (const file of tsFiles(join(root, project.dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const why = boundaryViolation(projects, file, m[1] ?? m[2] ?? m[3]);
        if (why) found.push(`${relative(root, file)}: ${why}`);
      }
    }
  }
  return found;
}

test('every import respects the module boundaries', () => {
  expect(violations()).toEqual([]);
});

test('the rules catch each kind of crossing', () => {
  const projects = readProjects();
  const at = (path: string): string => join(root, path);
  expect(boundaryViolation(projects, at('libs/gateway/src/x.ts'), '#csms/bus')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/ocpp/src/x.ts'), '#csms/gateway')).toMatch(/core lib imports a feature lib/);
  expect(boundaryViolation(projects, at('libs/auth/src/x.ts'), '#csms/metering')).toMatch(/service imports another service/);
  expect(boundaryViolation(projects, at('libs/auth/src/x.ts'), '#csms/testing')).toMatch(/production code imports the testing lib/);
  expect(boundaryViolation(projects, at('libs/auth/src/x.spec.ts'), '#csms/testing')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/auth/src/x.ts'), '../../bus/src/bus.js')).toMatch(/reaches into libs\/bus/);
  expect(boundaryViolation(projects, at('apps/csms/src/main.ts'), '../../gateway/src/main.js')).toMatch(/reaches into apps\/gateway/);
  expect(boundaryViolation(projects, at('apps/csms/src/main.ts'), '#csms/nope')).toMatch(/unknown lib/);
  expect(boundaryViolation(projects, at('libs/auth/src/x.ts'), '#csms/metering/verbs')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/http/src/x.ts'), '#csms/auth/verbs')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/auth/src/x.ts'), '#csms/metering/internals')).toMatch(/unknown entry/);
  expect(boundaryViolation(projects, at('apps/gateway/src/main.ts'), '#csms/auth/api')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/metering/src/x.ts'), '#csms/auth/api')).toMatch(/service imports another service/);
  expect(boundaryViolation(projects, at('apps/csms/src/main.ts'), '@nestjs/core')).toBeUndefined();
});

test('every app and lib folder is an Nx project with tags', () => {
  for (const kind of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, kind))) {
      expect({ project: `${kind}/${name}`, hasProjectJson: existsSync(join(root, kind, name, 'project.json')) }).toEqual({
        project: `${kind}/${name}`,
        hasProjectJson: true,
      });
    }
  }
});
