// The Nx module-boundary rules, read from the tags in each apps/*/project.json and libs/*/project.json:
// a lib never imports an app; an app never imports another app; core libs never import feature libs;
// feature libs (services) never import each other (they talk over the bus, and import only each other's verbs:
// `#csms/<lib>/verbs`); only test code imports the testing lib; and nobody reaches into another project's
// files except through its `#csms/<lib>` entries. Portable modules (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules):
// a lib's src/portable folder imports nothing outside itself (the browser runs it too), and a browser app
// (tag platform:browser, the ops dashboard) imports from the libs only their `#csms/<lib>/portable` entries.
// One implementation for two callers: the ESLint rule below (eslint.config.js, at the import) and
// tools/module-boundaries.spec.ts (the same check over every file, in the unit tier).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every app and lib with its project.json tags: [{ dir: 'libs/bus', tags: [...] }]. */
export function readProjects() {
  const out = [];
  for (const kind of ['apps', 'libs']) {
    for (const name of readdirSync(join(root, kind))) {
      const pj = join(root, kind, name, 'project.json');
      if (existsSync(pj)) out.push({ dir: `${kind}/${name}`, tags: JSON.parse(readFileSync(pj, 'utf8')).tags ?? [] });
    }
  }
  return out;
}

const isTest = (file) => /\.(spec|e2e|infra)\.ts$/.test(file) || file.includes(`${sep}test-support${sep}`);

/**
 * What is wrong with `file` (absolute) importing `spec`, or undefined. Imports of packages and of the
 * file's own project are always fine.
 */
export function boundaryViolation(projects, file, spec) {
  const byDir = new Map(projects.map((p) => [p.dir, p]));
  const owner = (path) => {
    const rel = relative(root, path).split(sep);
    return byDir.get(`${rel[0]}/${rel[1]}`);
  };
  const project = owner(file);
  if (!project) return undefined;
  const portable = portableFolder(file);
  if (portable && !isTest(file)) {
    const inside = spec.startsWith('.') && (resolve(dirname(file), spec) + sep).startsWith(portable + sep);
    return inside ? undefined : `a portable module imports ${spec}; it may import only files of its own portable folder`;
  }
  if (spec.startsWith('.')) {
    const target = owner(resolve(dirname(file), spec));
    return target && target !== project ? `reaches into ${target.dir} by a relative path; import '#csms/...' instead` : undefined;
  }
  if (!spec.startsWith('#csms/')) return undefined;
  const [name, entry] = spec.slice('#csms/'.length).split('/');
  const target = byDir.get(`libs/${name}`);
  if (!target) return `imports unknown lib ${spec}`;
  if (entry !== undefined && !ENTRIES.includes(entry)) return `imports unknown entry ${spec} (a lib's entries: its index, ${ENTRIES.join(', ')})`;
  // A service's verbs entry is its bus contract (subjects and the types asked and answered), not the service:
  // whoever talks to the service over the bus imports it.
  const has = (p, tag) => p.tags.includes(tag);
  if (has(project, 'platform:browser') && !isTest(file) && entry !== 'portable')
    return `a browser app imports ${spec}; the browser gets only a lib's portable entry (#csms/${name}/portable)`;
  if (entry === 'verbs') return undefined;
  if (has(project, 'type:lib') && has(target, 'type:app')) return `a lib imports an app (${spec})`;
  if (has(project, 'type:app') && has(target, 'type:app') && target !== project) return `an app imports another app (${spec})`;
  if (has(project, 'layer:core') && has(target, 'layer:feature')) return `a core lib imports a feature lib (${spec})`;
  if (has(project, 'layer:feature') && has(target, 'layer:feature') && target !== project)
    return `a service imports another service (${spec}); talk over the bus`;
  if (has(target, 'layer:testing') && !isTest(file) && !has(project, 'layer:testing')) return 'production code imports the testing lib';
  return undefined;
}

/**
 * The entries a lib may have besides its index (package.json "imports", jest.config.js moduleNameMapper); `embedded`
 * is persistence's alone: the embedded database's early open, which a process imports before its other modules.
 */
const ENTRIES = ['verbs', 'api', 'portable', 'embedded'];

/** The src/portable folder of a lib that `file` is in, or undefined. */
function portableFolder(file) {
  const rel = relative(root, file).split(sep);
  return rel[0] === 'libs' && rel[2] === 'src' && rel[3] === 'portable' && rel.length > 4 ? join(root, ...rel.slice(0, 4)) : undefined;
}

/** The ESLint rule: reports each import (static, re-export or dynamic) that crosses a boundary. */
export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Nx module boundaries from the project.json tags' },
    messages: { boundary: '{{why}}' },
    schema: [],
  },
  create(context) {
    const projects = readProjects();
    const check = (source) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      const why = boundaryViolation(projects, context.filename, source.value);
      if (why) context.report({ node: source, messageId: 'boundary', data: { why } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
