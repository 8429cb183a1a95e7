/**
 * Checks over rendered Kubernetes objects (render.ts or `kubectl kustomize`). Each returns a list
 * of problems, so a failing test names every offending object at once.
 */
import { loadEnv } from '#csms/config';
import { containersOf } from './render.js';
import {
  appOfCommand,
  asArr,
  asObj,
  asObjs,
  ENV_BY_NAME,
  envDefault,
  isObj,
  KNOWN_APPS,
  OCPP_APPS,
  placeholderValue,
  quantity,
  readBy,
  str,
  type Obj,
} from './support.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const nameOf = (o: Obj): string => String(asObj(o.metadata).name);
export const byKind = (objs: Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
export const find = (objs: Obj[], kind: string, name: string): Obj | undefined => objs.find((o) => o.kind === kind && nameOf(o) === name);
export const podTemplate = (o: Obj): Obj => asObj(asObj(o.spec).template);
export const podSpec = (o: Obj): Obj => asObj(podTemplate(o).spec);
const podLabels = (o: Obj): Obj => asObj(asObj(podTemplate(o).metadata).labels);

export const podLabelsOf = podLabels;

/** A LabelSelector (matchLabels only, as k8s/ uses) against labels; an empty one matches all. */
export function selects(selector: unknown, labels: Obj): boolean {
  const sel = asObj(selector);
  if (sel.matchExpressions !== undefined) throw new Error('matchExpressions not supported by the checks');
  return Object.entries(asObj(sel.matchLabels)).every(([k, v]) => labels[k] === v);
}

export interface EnvEntry {
  name: string;
  source: 'literal' | 'configMap' | 'secret' | 'field';
  value?: unknown;
}

/** Every variable a container gets, in order (envFrom first, then env; the later one wins). */
export function containerEnv(c: Obj, objs: Obj[], problems: string[], where: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const ef of asObjs(c.envFrom)) {
    const prefix = str(ef.prefix) ?? '';
    if (isObj(ef.configMapRef)) {
      const cm = find(objs, 'ConfigMap', String(ef.configMapRef.name));
      if (!cm) problems.push(`${where}: envFrom ConfigMap ${String(ef.configMapRef.name)} does not exist`);
      for (const [k, v] of Object.entries(asObj(cm?.data))) out.push({ name: prefix + k, source: 'configMap', value: v });
    } else if (isObj(ef.secretRef)) {
      const s = find(objs, 'Secret', String(ef.secretRef.name));
      if (!s) problems.push(`${where}: envFrom Secret ${String(ef.secretRef.name)} must exist here (its keys are checked)`);
      for (const k of Object.keys({ ...asObj(s?.data), ...asObj(s?.stringData) })) out.push({ name: prefix + k, source: 'secret' });
    }
  }
  for (const e of asObjs(c.env)) {
    const vf = asObj(e.valueFrom);
    const name = String(e.name);
    if ('value' in e) out.push({ name, source: 'literal', value: e.value });
    else if (isObj(vf.secretKeyRef)) out.push({ name, source: 'secret' });
    else if (isObj(vf.configMapKeyRef)) {
      const ref = vf.configMapKeyRef;
      const cm = find(objs, 'ConfigMap', String(ref.name));
      const data = asObj(cm?.data);
      if (!cm || !(String(ref.key) in data)) problems.push(`${where}: ${name} from ConfigMap ${String(ref.name)} key ${String(ref.key)}, which does not exist`);
      out.push({ name, source: 'configMap', value: data[String(ref.key)] });
    } else out.push({ name, source: 'field' });
  }
  return out;
}

export const effectiveEnv = (entries: EnvEntry[]): Map<string, EnvEntry> => new Map(entries.map((e) => [e.name, e]));

/** Mount paths of volumes that come from a Secret (plain or projected). */
function secretMountPaths(pod: Obj, c: Obj): string[] {
  const secretVolumes = new Set(
    asObjs(pod.volumes)
      .filter((v) => isObj(v.secret) || asObjs(asObj(v.projected).sources).some((s) => isObj(s.secret)))
      .map((v) => String(v.name)),
  );
  return asObjs(c.volumeMounts)
    .filter((m) => secretVolumes.has(String(m.name)))
    .map((m) => String(m.mountPath));
}

/** Environment: names from ENV_SPEC, read by the app, secrets from Secrets, values the app accepts. */
export function checkWorkloadEnv(objs: Obj[]): string[] {
  const problems: string[] = [];
  for (const w of objs.filter((o) => WORKLOAD_KINDS.includes(String(o.kind)))) {
    for (const c of containersOf(w)) {
      const where = `${String(w.kind)}/${nameOf(w)}/${String(c.name)}`;
      const command = [...asArr(c.command), ...asArr(c.args)];
      const app = appOfCommand(command);
      if (!app || !(KNOWN_APPS as readonly string[]).includes(app)) {
        problems.push(`${where}: command ${JSON.stringify(command)} must run dist/apps/<${KNOWN_APPS.join('|')}>/main.js`);
        continue;
      }
      if (command[command.indexOf(`dist/apps/${app}/main.js`) - 1] !== 'node') problems.push(`${where}: dist/apps/${app}/main.js must be run by node`);
      const entries = containerEnv(c, objs, problems, where);
      for (const e of entries) {
        const spec = ENV_BY_NAME.get(e.name);
        if (!spec) {
          problems.push(`${where}: ${e.name} is not in ENV_SPEC (libs/config/src/env-spec.ts)`);
          continue;
        }
        if (!readBy(spec, app)) problems.push(`${where}: ${e.name} is not read by ${app} (ENV_SPEC usedBy: ${spec.usedBy.join(', ')})`);
        if ((e.source === 'literal' || e.source === 'configMap') && typeof e.value !== 'string') {
          problems.push(`${where}: ${e.name} must be a string in YAML (quote it), got ${JSON.stringify(e.value)}`);
        }
        if (spec.secret && e.source !== 'secret') {
          // A secret path variable may name a file inside a Secret volume: the secret is the file.
          const underSecret =
            spec.kind === 'path' &&
            e.source === 'literal' &&
            secretMountPaths(podSpec(w), c).some((m) => String(e.value).startsWith(`${m.replace(/\/$/, '')}/`));
          if (!underSecret) problems.push(`${where}: ${e.name} is secret in ENV_SPEC and must come from a Secret (got ${e.source})`);
        }
      }
      const env: Record<string, string> = {};
      for (const [name, e] of effectiveEnv(entries)) {
        const spec = ENV_BY_NAME.get(name);
        if (spec) env[name] = e.source === 'secret' || e.source === 'field' ? placeholderValue(spec) : String(e.value);
      }
      try {
        loadEnv(env);
      } catch (err) {
        problems.push(`${where}: the app would refuse its environment: ${(err as Error).message}`);
      }
    }
  }
  for (const cm of byKind(objs, 'ConfigMap')) {
    for (const key of Object.keys(asObj(cm.data))) {
      const spec = ENV_BY_NAME.get(key);
      if (!spec) problems.push(`ConfigMap/${nameOf(cm)}: ${key} is not in ENV_SPEC`);
      else if (spec.secret) problems.push(`ConfigMap/${nameOf(cm)}: ${key} is secret in ENV_SPEC and must not be in a ConfigMap`);
    }
  }
  for (const s of byKind(objs, 'Secret').filter((x) => (str(x.type) ?? 'Opaque') === 'Opaque')) {
    for (const key of Object.keys({ ...asObj(s.data), ...asObj(s.stringData) })) {
      if (!ENV_BY_NAME.has(key)) problems.push(`Secret/${nameOf(s)}: ${key} is not in ENV_SPEC`);
    }
  }
  return problems;
}

/** The effective value of a variable for a container, or the ENV_SPEC default. */
export function envValue(w: Obj, c: Obj, objs: Obj[], name: string): string | undefined {
  const e = effectiveEnv(containerEnv(c, objs, [], '')).get(name);
  return e && (e.source === 'literal' || e.source === 'configMap') ? String(e.value) : envDefault(name);
}

/** Probes, ports, resources and a non-root, read-only pod for every Deployment. */
export function checkDeployments(objs: Obj[]): string[] {
  const problems: string[] = [];
  for (const d of byKind(objs, 'Deployment')) {
    const pod = podSpec(d);
    for (const c of asObjs(pod.containers)) {
      const where = `Deployment/${nameOf(d)}/${String(c.name)}`;
      const app = appOfCommand([...asArr(c.command), ...asArr(c.args)]);
      if (app !== nameOf(d) || app !== c.name) problems.push(`${where}: Deployment, container and app (${String(app)}) must share one name`);
      const ports = asObjs(c.ports);
      const portNamed = (n: string): Obj | undefined => ports.find((p) => p.name === n);
      const apiPort = Number(envValue(d, c, objs, 'API_PORT'));
      const http = ports.find((p) => p.containerPort === apiPort);
      if (apiPort !== Number(envDefault('API_PORT')))
        problems.push(`${where}: API_PORT ${apiPort} differs from the ENV_SPEC default ${envDefault('API_PORT')}`);
      if (!http || typeof http.name !== 'string') problems.push(`${where}: no named containerPort for API_PORT ${apiPort}`);
      if (OCPP_APPS.includes(String(app))) {
        const ocppPort = Number(envValue(d, c, objs, 'OCPP_PORT'));
        if (ocppPort !== Number(envDefault('OCPP_PORT')))
          problems.push(`${where}: OCPP_PORT ${ocppPort} differs from the ENV_SPEC default ${envDefault('OCPP_PORT')}`);
        if (!ports.some((p) => p.containerPort === ocppPort && typeof p.name === 'string'))
          problems.push(`${where}: no named containerPort for OCPP_PORT ${ocppPort}`);
      } else if (ports.some((p) => p !== http)) problems.push(`${where}: only the gateway opens ports besides API_PORT`);
      for (const [probe, path] of [
        ['readinessProbe', '/health/ready'],
        ['livenessProbe', '/health/live'],
        ['startupProbe', '/health/live'],
      ] as const) {
        const get = asObj(asObj(c[probe]).httpGet);
        if (get.path !== path) problems.push(`${where}: ${probe} must GET ${path}, got ${String(get.path)}`);
        const target = typeof get.port === 'string' ? portNamed(get.port) : undefined;
        if (!http || get.port !== http.name || target?.containerPort !== apiPort) {
          problems.push(`${where}: ${probe} must use the port named for API_PORT (${String(http?.name)}), got ${String(get.port)}`);
        }
      }
      const res = asObj(c.resources);
      for (const r of ['cpu', 'memory']) {
        const req = quantity(asObj(res.requests)[r]);
        const lim = quantity(asObj(res.limits)[r]);
        if (!(req > 0) || !(lim > 0)) problems.push(`${where}: resources.requests.${r} and resources.limits.${r} must both be set`);
        else if (req > lim) problems.push(`${where}: ${r} request exceeds its limit`);
      }
    }
  }
  return problems;
}

/** Non-root, read-only, no privilege, no service-account token, /tmp as an emptyDir: every workload. */
export function checkPodSecurity(objs: Obj[]): string[] {
  const problems: string[] = [];
  for (const w of objs.filter((o) => WORKLOAD_KINDS.includes(String(o.kind)))) {
    const pod = podSpec(w);
    const psc = asObj(pod.securityContext);
    if (pod.automountServiceAccountToken !== false) problems.push(`${String(w.kind)}/${nameOf(w)}: automountServiceAccountToken must be false`);
    // Service links inject <SERVICE>_PORT variables, which could shadow API_PORT or OCPP_PORT.
    if (pod.enableServiceLinks !== false) problems.push(`${String(w.kind)}/${nameOf(w)}: enableServiceLinks must be false`);
    if (asObj(psc.seccompProfile).type !== 'RuntimeDefault') problems.push(`${String(w.kind)}/${nameOf(w)}: seccompProfile RuntimeDefault`);
    const emptyDirs = new Set(
      asObjs(pod.volumes)
        .filter((v) => isObj(v.emptyDir))
        .map((v) => v.name),
    );
    for (const c of [...asObjs(pod.initContainers), ...asObjs(pod.containers)]) {
      const where = `${String(w.kind)}/${nameOf(w)}/${String(c.name)}`;
      const sc = asObj(c.securityContext);
      const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
      const user = sc.runAsUser ?? psc.runAsUser;
      if (nonRoot !== true) problems.push(`${where}: runAsNonRoot must be true`);
      if (typeof user !== 'number' || user === 0) problems.push(`${where}: runAsUser must be a non-zero uid (the image's user "node" is 1000)`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem must be true`);
      if (!asArr(asObj(sc.capabilities).drop).includes('ALL')) problems.push(`${where}: capabilities must drop ALL`);
      if (!asObjs(c.volumeMounts).some((m) => m.mountPath === '/tmp' && emptyDirs.has(m.name))) problems.push(`${where}: /tmp must be an emptyDir`);
    }
  }
  return problems;
}
