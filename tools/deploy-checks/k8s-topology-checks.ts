/**
 * Checks on how the objects fit together: autoscaling and disruption budget of the gateway, its
 * drain window, Services, NetworkPolicies, references to ConfigMaps and Secrets, migrations on every
 * release, one NATS client setting for every service.
 */
import { containersOf } from './render.js';
import { byKind, containerEnv, envValue, find, podLabelsOf, podSpec, selects, WORKLOAD_KINDS } from './k8s-checks.js';
import { asArr, asObj, asObjs, envDefault, EXTERNAL_SECRETS, isObj, str, type Obj } from './support.js';

const nameOf = (o: Obj): string => String(asObj(o.metadata).name);
const workloads = (objs: Obj[]): Obj[] => objs.filter((o) => WORKLOAD_KINDS.includes(String(o.kind)));
const gatewayOf = (objs: Obj[]): Obj | undefined => find(objs, 'Deployment', 'gateway');

/** Seconds a preStop `sleep N` (exec or the native sleep action) holds the container. */
function preStopSeconds(c: Obj): number {
  const pre = asObj(asObj(c.lifecycle).preStop);
  const cmd = asArr(asObj(pre.exec).command).map(String);
  if (cmd[0] === 'sleep') return Number(cmd[1]);
  return Number(asObj(pre.sleep).seconds ?? 0);
}

/** The HPA scales the gateway (and only it), the PDB covers its pods, the drain fits the grace period. */
export function checkGatewayLifecycle(objs: Obj[]): string[] {
  const problems: string[] = [];
  const gw = gatewayOf(objs);
  if (!gw) return ['Deployment/gateway is missing'];
  const labels = podLabelsOf(gw);
  const hpas = byKind(objs, 'HorizontalPodAutoscaler');
  const targets = hpas.map((h) => asObj(asObj(h.spec).scaleTargetRef));
  if (hpas.length !== 1 || targets[0].kind !== 'Deployment' || targets[0].name !== 'gateway' || targets[0].apiVersion !== 'apps/v1') {
    problems.push(`exactly one HorizontalPodAutoscaler must target Deployment/gateway, got ${JSON.stringify(targets)}`);
  }
  const hpaSpec = asObj(hpas[0]?.spec);
  if (!(Number(hpaSpec.minReplicas) >= 2) || !(Number(hpaSpec.maxReplicas) >= Number(hpaSpec.minReplicas))) {
    problems.push('the gateway HPA needs minReplicas >= 2 (one pod drains while others serve) and maxReplicas >= minReplicas');
  }
  if (asObj(gw.spec).replicas !== undefined) problems.push('Deployment/gateway must not set spec.replicas: its HPA owns the count');
  const pdbs = byKind(objs, 'PodDisruptionBudget');
  const gwPdbs = pdbs.filter((p) => selects(asObj(p.spec).selector, labels));
  if (gwPdbs.length !== 1) problems.push(`exactly one PodDisruptionBudget must select the gateway pods, got ${gwPdbs.length}`);
  for (const p of pdbs) {
    for (const w of workloads(objs).filter((x) => x !== gw)) {
      if (selects(asObj(p.spec).selector, podLabelsOf(w))) problems.push(`PodDisruptionBudget/${nameOf(p)} also selects ${String(w.kind)}/${nameOf(w)}`);
    }
    const spec = asObj(p.spec);
    if (spec.maxUnavailable === undefined && spec.minAvailable === undefined)
      problems.push(`PodDisruptionBudget/${nameOf(p)}: set maxUnavailable or minAvailable`);
  }
  const pod = podSpec(gw);
  const c = asObjs(pod.containers).find((x) => x.name === 'gateway');
  if (c) {
    const drainMs = Number(envValue(gw, c, objs, 'DRAIN_WINDOW_MS'));
    const graceMs = Number(pod.terminationGracePeriodSeconds ?? 30) * 1000;
    const preStopMs = preStopSeconds(c) * 1000;
    if (!(graceMs > preStopMs + drainMs)) {
      problems.push(`gateway terminationGracePeriodSeconds (${graceMs} ms) must exceed preStop (${preStopMs} ms) + DRAIN_WINDOW_MS (${drainMs} ms)`);
    }
  }
  const strategy = asObj(asObj(gw.spec).strategy);
  if (String(asObj(strategy.rollingUpdate).maxUnavailable) !== '0')
    problems.push('gateway rollout: maxUnavailable must be 0 (new pod ready before an old one drains)');
  return problems;
}

/** Services select existing pods through named ports; only the gateway is reachable from outside. */
export function checkServices(objs: Obj[]): string[] {
  const problems: string[] = [];
  const gw = gatewayOf(objs);
  const ocpp = Number(envDefault('OCPP_PORT'));
  const api = Number(envDefault('API_PORT'));
  const gatewayPorts = new Set<number>();
  for (const s of byKind(objs, 'Service')) {
    const spec = asObj(s.spec);
    const where = `Service/${nameOf(s)}`;
    const sel = { matchLabels: spec.selector };
    const targets = workloads(objs).filter((w) => w.kind === 'Deployment' && selects(sel, podLabelsOf(w)));
    if (Object.keys(asObj(spec.selector)).length === 0 || targets.length !== 1) {
      problems.push(`${where}: must select the pods of exactly one Deployment, got ${targets.map(nameOf).join(', ') || 'none'}`);
      continue;
    }
    const ports = containersOf(targets[0]).flatMap((c) => asObjs(c.ports));
    for (const p of asObjs(spec.ports)) {
      const target = ports.find((cp) => cp.name === p.targetPort);
      if (!target) problems.push(`${where}: targetPort ${String(p.targetPort)} is not a named port of ${nameOf(targets[0])}`);
      else if (target.containerPort !== p.port)
        problems.push(`${where}: port ${String(p.port)} differs from its container port ${String(target.containerPort)}`);
      if (targets[0] === gw) gatewayPorts.add(Number(p.port));
      if (p.port === ocpp && (spec.sessionAffinity ?? 'None') !== 'None') {
        problems.push(`${where}: no session affinity for OCPP (commands reach a charger's pod over NATS)`);
      }
    }
    if (targets[0] !== gw && ['LoadBalancer', 'NodePort'].includes(String(spec.type)))
      problems.push(`${where}: only the gateway is exposed outside the cluster`);
  }
  for (const port of [ocpp, api]) if (!gatewayPorts.has(port)) problems.push(`no Service exposes the gateway's port ${port}`);
  return problems;
}

/** Default-deny ingress; rules that admit traffic from outside the namespace select only the gateway. */
export function checkNetworkPolicies(objs: Obj[]): string[] {
  const problems: string[] = [];
  const gw = gatewayOf(objs);
  const policies = byKind(objs, 'NetworkPolicy');
  const denyAll = policies.some((p) => {
    const spec = asObj(p.spec);
    return Object.keys(asObj(spec.podSelector)).length === 0 && asArr(spec.policyTypes).includes('Ingress') && asArr(spec.ingress).length === 0;
  });
  if (!denyAll) problems.push('a NetworkPolicy must deny all ingress by default (podSelector {}, policyTypes [Ingress], no rules)');
  const allowed = new Set([Number(envDefault('OCPP_PORT')), Number(envDefault('API_PORT'))]);
  for (const p of policies) {
    const spec = asObj(p.spec);
    for (const rule of asObjs(spec.ingress)) {
      const from = asObjs(rule.from);
      const external = from.length === 0 || from.some((peer) => isObj(peer.ipBlock) || isObj(peer.namespaceSelector));
      if (!external) continue;
      const where = `NetworkPolicy/${nameOf(p)}`;
      const selected = workloads(objs).filter((w) => selects(spec.podSelector, podLabelsOf(w)));
      if (!gw || selected.length !== 1 || selected[0] !== gw) {
        problems.push(`${where}: admits traffic from outside the namespace to ${selected.map(nameOf).join(', ') || 'no pod'}; only the gateway may take it`);
      }
      const ports = asObjs(rule.ports).map((x) => Number(x.port));
      if (ports.length === 0 || ports.some((x) => !allowed.has(x)))
        problems.push(`${where}: outside traffic only to ports ${[...allowed].join(', ')}, got ${ports.join(', ') || 'all'}`);
    }
  }
  return problems;
}

/** Every referenced ConfigMap exists; every Secret exists here or is one created out of band. */
export function checkReferences(objs: Obj[]): string[] {
  const problems: string[] = [];
  const secretOk = (name: unknown, where: string, key?: unknown): void => {
    const s = find(objs, 'Secret', String(name));
    if (s) {
      if (key !== undefined && !(String(key) in { ...asObj(s.data), ...asObj(s.stringData) }))
        problems.push(`${where}: Secret ${String(name)} has no key ${String(key)}`);
    } else if (!(EXTERNAL_SECRETS as readonly string[]).includes(String(name))) {
      problems.push(`${where}: Secret ${String(name)} is neither rendered nor one of the documented external Secrets`);
    }
  };
  for (const w of workloads(objs)) {
    const pod = podSpec(w);
    for (const v of asObjs(pod.volumes)) {
      if (isObj(v.secret)) secretOk(v.secret.secretName, `${String(w.kind)}/${nameOf(w)} volume ${String(v.name)}`);
      if (isObj(v.configMap) && !find(objs, 'ConfigMap', String(v.configMap.name)))
        problems.push(`${nameOf(w)}: ConfigMap ${String(v.configMap.name)} missing`);
    }
    for (const c of containersOf(w)) {
      const where = `${String(w.kind)}/${nameOf(w)}/${String(c.name)}`;
      for (const e of asObjs(c.env)) {
        const ref = asObj(asObj(e.valueFrom).secretKeyRef);
        // An optional key (optional: true) may be absent: Kubernetes then leaves the variable unset.
        if (str(ref.name)) secretOk(ref.name, `${where} ${String(e.name)}`, ref.optional === true ? undefined : ref.key);
      }
      for (const ef of asObjs(c.envFrom)) {
        if (isObj(ef.secretRef)) secretOk(ef.secretRef.name, where);
        if (isObj(ef.configMapRef) && !find(objs, 'ConfigMap', String(ef.configMapRef.name)))
          problems.push(`${where}: ConfigMap ${String(ef.configMapRef.name)} missing`);
      }
    }
  }
  return problems;
}

const MIGRATE_COMMAND = ['node', 'dist/apps/csms/main.js', '--migrate-only'];

/**
 * Migrations run on every release with no hand work: every Deployment's first init container runs the
 * all-in-one's --migrate-only (under the advisory lock) from the pod's own image, on the database its
 * app uses. A Job is refused: its pod template is immutable, so a fixed-name Job must be deleted by
 * hand before each release.
 */
export function checkMigrations(objs: Obj[]): string[] {
  const problems: string[] = [];
  for (const j of [...byKind(objs, 'Job'), ...byKind(objs, 'CronJob')]) {
    if (containersOf(j).some((c) => asArr(c.command).includes('--migrate-only')))
      problems.push(`${String(j.kind)}/${nameOf(j)}: migrations run in the Deployments' init containers, not in a Job (immutable pod template)`);
  }
  for (const d of byKind(objs, 'Deployment')) {
    const pod = podSpec(d);
    const init = asObjs(pod.initContainers)[0];
    const main = asObjs(pod.containers)[0];
    const where = `Deployment/${nameOf(d)}`;
    const command = asArr(init?.command);
    if (!init || MIGRATE_COMMAND.some((part, i) => command[command.length - MIGRATE_COMMAND.length + i] !== part)) {
      problems.push(`${where}: the first init container must run ${MIGRATE_COMMAND.join(' ')}`);
      continue;
    }
    if (init.image !== main?.image)
      problems.push(`${where}: the migrate init container must run the pod's image (${String(main?.image)}), got ${String(init.image)}`);
    const ref = (c: Obj): string => JSON.stringify(asObj(asObj(asObjs(c.env).find((e) => e.name === 'DATABASE_URL')?.valueFrom).secretKeyRef));
    if (!main || ref(init) === '{}' || ref(init) !== ref(main))
      problems.push(`${where}: the migrate init container must take DATABASE_URL from the Secret its container uses`);
  }
  return problems;
}

const NATS_CLIENT = /^NATS_/;

/** Every service reaches the same NATS the same way: identical NATS_* variables (value or Secret key). */
export function checkNatsClient(objs: Obj[]): string[] {
  const settings = byKind(objs, 'Deployment').map((d) => {
    const c = asObjs(podSpec(d).containers)[0] ?? {};
    const entries = containerEnv(c, objs, [], '').filter((e) => NATS_CLIENT.test(e.name));
    const byName = Object.fromEntries(
      entries.map((e) => {
        const raw = asObjs(c.env).find((x) => x.name === e.name);
        return [e.name, e.source === 'secret' ? JSON.stringify(asObj(raw?.valueFrom)) : String(e.value)];
      }),
    );
    return { name: nameOf(d), settings: JSON.stringify(Object.entries(byName).sort()) };
  });
  const first = settings[0];
  return settings
    .filter((s) => s.settings !== first.settings)
    .map((s) => `Deployment/${s.name}: NATS_* variables differ from Deployment/${first.name}'s (${s.settings} vs ${first.settings})`);
}
