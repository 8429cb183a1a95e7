/**
 * The Nx module-boundary rules, enforced on every import of every TypeScript file (the tags live in
 * each project.json): a lib never imports an app; an app never imports another app; core libs never
 * import feature libs; feature libs (services) never import each other — they talk over the bus;
 * only test files import the testing lib; and nobody reaches into another project's files except
 * through its public `#csms/<lib>` entry point.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Project {
  dir: string;
  tags: string[];
}

function projects(): Project[] {
  const out: Project[] = [];
  for (const kind of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, kind))) {
      const pj = join(root, kind, name, 'project.json');
      if (existsSync(pj)) out.push({ dir: `${kind}/${name}`, tags: (JSON.parse(readFileSync(pj, 'utf8')) as { tags: string[] }).tags });
    }
  }
  return out;
}

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
const isTest = (file: string): boolean => /\.(spec|e2e|infra)\.ts$/.test(file) || file.includes(`${sep}test-support${sep}`);

function violations(): string[] {
  const all = projects();
  const byDir = new Map(all.map((p) => [p.dir, p]));
  const owner = (file: string): Project | undefined => {
    const rel = relative(root, file).split(sep);
    return byDir.get(`${rel[0]}/${rel[1]}`);
  };
  const has = (p: Project, tag: string): boolean => p.tags.includes(tag);
  const found: string[] = [];
  for (const project of all) {
    for (const file of tsFiles(join(root, project.dir))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? m[3];
        let target: Project | undefined;
        if (spec.startsWith('#csms/')) target = byDir.get(`libs/${spec.slice('#csms/'.length)}`);
        else if (spec.startsWith('.')) {
          target = owner(resolve(dirname(file), spec));
          if (target && target !== project) found.push(`${relative(root, file)}: reaches into ${target.dir} by a relative path; import '#csms/...' instead`);
          continue;
        } else continue;
        const where = relative(root, file);
        if (!target) {
          found.push(`${where}: imports unknown lib ${spec}`);
          continue;
        }
        if (has(project, 'type:lib') && has(target, 'type:app')) found.push(`${where}: a lib imports an app (${spec})`);
        if (has(project, 'type:app') && has(target, 'type:app') && target !== project) found.push(`${where}: an app imports another app (${spec})`);
        if (has(project, 'layer:core') && has(target, 'layer:feature')) found.push(`${where}: a core lib imports a feature lib (${spec})`);
        if (has(project, 'layer:feature') && has(target, 'layer:feature') && target !== project) found.push(`${where}: a service imports another service (${spec}); talk over the bus`);
        if (has(target, 'layer:testing') && !isTest(file) && !has(project, 'layer:testing')) found.push(`${where}: production code imports the testing lib`);
      }
    }
  }
  return found;
}

test('every import respects the module boundaries', () => {
  expect(violations()).toEqual([]);
});

test('every app and lib folder is an Nx project with tags', () => {
  for (const kind of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, kind))) {
      expect({ project: `${kind}/${name}`, hasProjectJson: existsSync(join(root, kind, name, 'project.json')) }).toEqual({ project: `${kind}/${name}`, hasProjectJson: true });
    }
  }
});
