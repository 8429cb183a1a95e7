/**
 * The Nx module-boundary rules (tools/eslint/module-boundaries.js, which ESLint also applies at each
 * import), checked over every import of every TypeScript file of every app and lib, plus: every app
 * and lib folder is an Nx project with tags.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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
  // Portable modules (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules): dependency-free, and the browser app's only way into a lib.
  expect(boundaryViolation(projects, at('libs/ocpp/src/portable/x.ts'), './actions.js')).toBeUndefined();
  expect(boundaryViolation(projects, at('libs/ocpp/src/portable/x.ts'), '../actions.js')).toMatch(/only files of its own portable folder/);
  expect(boundaryViolation(projects, at('libs/ocpp/src/portable/x.ts'), '#csms/bus')).toMatch(/only files of its own portable folder/);
  expect(boundaryViolation(projects, at('libs/ocpp/src/portable/x.ts'), 'node:fs')).toMatch(/only files of its own portable folder/);
  expect(boundaryViolation(projects, at('apps/dashboard/src/domain/x.ts'), '#csms/ocpp/portable')).toBeUndefined();
  expect(boundaryViolation(projects, at('apps/dashboard/src/domain/x.ts'), '#csms/ocpp')).toMatch(/browser app imports/);
  expect(boundaryViolation(projects, at('apps/dashboard/src/domain/x.ts'), '#csms/gateway/verbs')).toMatch(/browser app imports/);
  expect(boundaryViolation(projects, at('apps/dashboard/src/domain/x.spec.ts'), '#csms/ocpp')).toBeUndefined();
  expect(boundaryViolation(projects, at('apps/gateway/src/main.ts'), '#csms/ocpp/portable')).toBeUndefined();
});

test('every app and lib folder is an Nx project with tags and the four targets (nx affected -t runs nothing for one without)', () => {
  for (const kind of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, kind))) {
      const file = join(root, kind, name, 'project.json');
      const project = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { tags?: string[]; targets?: Record<string, unknown> }) : undefined;
      expect({
        project: `${kind}/${name}`,
        hasProjectJson: project !== undefined,
        tagged: (project?.tags ?? []).length > 0,
        targets: Object.keys(project?.targets ?? {})
          .filter((t) => ['build', 'test', 'lint', 'typecheck'].includes(t))
          .sort(),
      }).toEqual({ project: `${kind}/${name}`, hasProjectJson: true, tagged: true, targets: ['build', 'lint', 'test', 'typecheck'] });
    }
  }
});

/** Strongly connected groups of production files that import each other (type-only imports count: they still tie the files together). */
function importLoops(): string[][] {
  const files = readProjects().flatMap((p) => tsFiles(join(root, p.dir)).filter((f) => !/\.(spec|e2e|infra|browser)\.ts$/.test(f) && !f.endsWith('.d.ts')));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const target = spec.startsWith('.')
        ? join(dirname(file), spec.replace(/\.js$/, '.ts'))
        : spec.startsWith('#csms/')
          ? join(root, 'libs', spec.slice('#csms/'.length), 'src/index.ts')
          : undefined;
      if (target && existsSync(target)) targets.push(target);
    }
    edges.set(file, targets);
  }
  // Tarjan's strongly connected components
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const loops: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        group.push(relative(root, w));
      } while (w !== v);
      if (group.length > 1) loops.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return loops;
}

test('no production file imports itself back through others', () => {
  expect(importLoops()).toEqual([]);
});
