/**
 * A small kustomize: renders a kustomization directory into its objects, for the checks to read the
 * result an overlay really produces. It understands only the fields used in k8s/ and refuses any
 * other (so a new field means extending it here, not a check that silently reads the wrong thing).
 * Where kubectl is installed, render-parity.spec.ts compares it with `kubectl kustomize`.
 * Generated ConfigMap/Secret names carry no hash suffix here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asArr, asObj, asObjs, isObj, parseYaml, readYamlAll, str, type Obj } from './support.js';

export const SUPPORTED_FIELDS = [
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'replicas',
  'configMapGenerator',
  'secretGenerator',
  'patches',
] as const;

/** Strategic merge keys for the lists k8s/ patches touch (everything else is replaced). */
const MERGE_KEYS: Record<string, readonly string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  ports: ['containerPort', 'port'],
  imagePullSecrets: ['name'],
};

const clone = <T>(v: T): T => structuredClone(v);
const keyOf = (o: Obj): string => `${str(o.kind)}/${str(asObj(o.metadata).name)}`;

export function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

function strategicMerge(target: Obj, patch: Obj, where: string): void {
  for (const [key, pv] of Object.entries(patch)) {
    if (key.startsWith('$')) throw new Error(`${where}: directive ${key} not supported by render.ts`);
    const tv = target[key];
    if (pv === null) delete target[key];
    else if (Array.isArray(pv) && Array.isArray(tv) && MERGE_KEYS[key]) {
      // Like kustomize: items new to the list come first, in the patch's order.
      const added: unknown[] = [];
      for (const item of pv) {
        const mk = isObj(item) ? MERGE_KEYS[key].find((k) => item[k] !== undefined) : undefined;
        const match = mk ? tv.find((t) => isObj(t) && t[mk] === (item as Obj)[mk]) : undefined;
        if (isObj(match) && isObj(item)) strategicMerge(match, item, `${where}.${key}`);
        else added.push(clone(item));
      }
      tv.unshift(...added);
    } else if (isObj(pv) && isObj(tv)) strategicMerge(tv, pv, `${where}.${key}`);
    else target[key] = clone(pv);
  }
}

function generate(objects: Obj[], gens: unknown, kind: 'ConfigMap' | 'Secret', where: string): void {
  for (const g of asObjs(gens)) {
    const extra = Object.keys(g).filter((k) => !['name', 'behavior', 'literals', 'files', 'options', 'type'].includes(k));
    if (extra.length) throw new Error(`${where}: ${kind} generator field(s) ${extra.join(', ')} not supported by render.ts`);
    const options = asObj(g.options);
    if (Object.keys(options).some((k) => k !== 'labels')) throw new Error(`${where}: generator options other than labels not supported by render.ts`);
    const name = str(g.name) ?? '';
    const data: Record<string, string> = {};
    // `key=path` or `path` (the key is the file's name), relative to the kustomization's directory.
    for (const entry of asArr(g.files)) {
      const s = String(entry);
      const eq = s.indexOf('=');
      const [key, path] = eq > 0 ? [s.slice(0, eq), s.slice(eq + 1)] : [basename(s), s];
      data[key] = readFileSync(join(dirname(where), path), 'utf8');
    }
    for (const lit of asArr(g.literals)) {
      const s = String(lit);
      const eq = s.indexOf('=');
      if (eq <= 0) throw new Error(`${where}: literal "${s}" is not KEY=VALUE`);
      data[s.slice(0, eq)] = s.slice(eq + 1);
    }
    const field = kind === 'ConfigMap' ? 'data' : 'stringData';
    const behavior = str(g.behavior) ?? 'create';
    const existing = objects.find((o) => keyOf(o) === `${kind}/${name}`);
    if (behavior === 'create') {
      if (existing) throw new Error(`${where}: ${kind} ${name} generated twice`);
      const labels = asObj(options.labels);
      const obj: Obj = { apiVersion: 'v1', kind, metadata: Object.keys(labels).length ? { name, labels } : { name }, [field]: data };
      if (kind === 'Secret') obj.type = str(g.type) ?? 'Opaque';
      objects.push(obj);
    } else if (behavior === 'merge' || behavior === 'replace') {
      if (!existing) throw new Error(`${where}: ${behavior} of ${kind} ${name}, which the resources do not generate`);
      existing[field] = behavior === 'merge' ? { ...asObj(existing[field]), ...data } : data;
    } else throw new Error(`${where}: generator behavior ${behavior} unknown`);
  }
}

function applyPatch(objects: Obj[], patch: Obj, where: string): void {
  const key = keyOf(patch);
  const i = objects.findIndex((o) => keyOf(o) === key);
  if (i < 0) throw new Error(`${where}: patch for ${key}, which is not among the resources`);
  if (patch.$patch === 'delete') {
    objects.splice(i, 1);
    return;
  }
  strategicMerge(objects[i], patch, where);
}

function podSpecs(o: Obj): Obj[] {
  const spec = asObj(o.spec);
  if (o.kind === 'CronJob') return [asObj(asObj(asObj(asObj(spec.jobTemplate).spec).template).spec)];
  const tpl = asObj(spec.template);
  return isObj(tpl.spec) ? [tpl.spec] : [];
}

export function containersOf(o: Obj): Obj[] {
  return podSpecs(o).flatMap((ps) => [...asObjs(ps.initContainers), ...asObjs(ps.containers)]);
}

/** Renders the kustomization in `dir` (resources recursively, then generators, patches, transformers). */
export function render(dir: string): Obj[] {
  const file = kustomizationFile(dir);
  const k = asObj(parseYaml(readFileSync(file, 'utf8')));
  const unsupported = Object.keys(k).filter((f) => !(SUPPORTED_FIELDS as readonly string[]).includes(f));
  if (unsupported.length) throw new Error(`${file}: field(s) ${unsupported.join(', ')} not supported by render.ts`);

  const objects: Obj[] = [];
  for (const r of asArr(k.resources)) {
    const path = join(dir, String(r));
    if (!existsSync(path)) throw new Error(`${file}: resource ${String(r)} does not exist`);
    if (statSync(path).isDirectory()) objects.push(...render(path));
    else objects.push(...readYamlAll(path).filter(isObj));
  }
  generate(objects, k.configMapGenerator, 'ConfigMap', file);
  generate(objects, k.secretGenerator, 'Secret', file);
  for (const p of asObjs(k.patches)) {
    if (Object.keys(p).some((f) => f !== 'path')) throw new Error(`${file}: only patches with a path are supported by render.ts`);
    const path = join(dir, String(p.path));
    for (const doc of readYamlAll(path).filter(isObj)) applyPatch(objects, doc, path);
  }
  if (typeof k.namespace === 'string') {
    for (const o of objects) if (o.kind !== 'Namespace') o.metadata = { ...asObj(o.metadata), namespace: k.namespace };
  }
  for (const img of asObjs(k.images)) {
    for (const c of objects.flatMap(containersOf)) {
      const image = String(c.image ?? '');
      const m = /^(.*?)(?::([^:/@]+))?(?:@(.*))?$/.exec(image);
      if (!m || m[1] !== img.name) continue;
      const name = str(img.newName) ?? m[1];
      const tag = img.newTag !== undefined ? String(img.newTag) : m[2];
      c.image = tag ? `${name}:${tag}` : name;
    }
  }
  for (const r of asObjs(k.replicas)) {
    const target = objects.find((o) => o.kind === 'Deployment' && asObj(o.metadata).name === r.name);
    if (!target) throw new Error(`${file}: replicas for Deployment ${String(r.name)}, which is not among the resources`);
    target.spec = { ...asObj(target.spec), replicas: r.count };
  }
  return objects;
}
