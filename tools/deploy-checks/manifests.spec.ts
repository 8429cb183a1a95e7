/**
 * Every YAML file under k8s/ and docker/ parses; every kustomization references files that exist
 * and renders with the fields render.ts understands.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { render } from './render.js';
import { asArr, asObj, asObjs, isObj, isYamlName, listFiles, parseYaml, parseYamlAll, REPO, repoPath } from './support.js';

const yamlFiles = [...listFiles(repoPath('k8s'), isYamlName), ...listFiles(repoPath('docker'), isYamlName)];
const kustomizations = listFiles(repoPath('k8s'), (n) => n === 'kustomization.yaml');
const rel = (f: string): string => relative(REPO, f);

describe('YAML files', () => {
  it('finds the manifests and the compose file', () => {
    expect(yamlFiles.map(rel)).toEqual(
      expect.arrayContaining(['docker/compose.yml', 'k8s/base/kustomization.yaml', 'k8s/overlays/production/kustomization.yaml']),
    );
  });

  it.each(yamlFiles.map(rel))('%s parses, and every Kubernetes document has apiVersion, kind and a name', (file) => {
    const docs = parseYamlAll(readFileSync(join(REPO, file), 'utf8'));
    expect(docs.length).toBeGreaterThan(0);
    if (!file.startsWith('k8s/')) return;
    for (const doc of docs) {
      expect(isObj(doc)).toBe(true);
      const o = asObj(doc);
      expect(typeof o.apiVersion).toBe('string');
      expect(typeof o.kind).toBe('string');
      if (o.kind !== 'Kustomization') expect(typeof asObj(o.metadata).name).toBe('string');
    }
  });
});

describe.each(kustomizations.map(rel))('kustomization %s', (file) => {
  const dir = dirname(join(REPO, file));
  const k = asObj(parseYaml(readFileSync(join(REPO, file), 'utf8')));

  it('lists resources and patches that exist', () => {
    const missing = [...asArr(k.resources).map(String), ...asObjs(k.patches).map((p) => String(p.path))].filter((p) => !existsSync(join(dir, p)));
    expect(missing).toEqual([]);
  });

  it('lists every YAML file of its folder (none is silently left out)', () => {
    const used = new Set([...asArr(k.resources).map(String), ...asObjs(k.patches).map((p) => String(p.path)), 'kustomization.yaml']);
    const here = listFiles(dir, isYamlName)
      .filter((f) => dirname(f) === dir)
      .map((f) => relative(dir, f));
    expect(here.filter((f) => !used.has(f))).toEqual([]);
  });

  it('resource folders are kustomizations themselves', () => {
    for (const r of asArr(k.resources).map(String)) {
      const p = join(dir, r);
      if (existsSync(p) && statSync(p).isDirectory()) expect(existsSync(join(p, 'kustomization.yaml'))).toBe(true);
    }
  });

  it('renders (render.ts), with unique kind/name pairs', () => {
    const objs = render(dir);
    const keys = objs.map((o) => `${String(o.kind)}/${String(asObj(o.metadata).name)}`);
    expect(keys.filter((x, i) => keys.indexOf(x) !== i)).toEqual([]);
    expect(objs.length).toBeGreaterThan(0);
  });
});
