/**
 * The rendered manifests (base and every overlay) against ENV_SPEC and the apps' contract: commands,
 * ports, probes, resources, non-root, environment, gateway drain/HPA/PDB, Services, NetworkPolicies.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { render } from './render.js';
import { byKind, checkDeployments, checkPodSecurity, checkWorkloadEnv, envValue, find, podSpec } from './k8s-checks.js';
import { checkGatewayLifecycle, checkMigrations, checkNatsClient, checkNetworkPolicies, checkReferences, checkServices } from './k8s-topology-checks.js';
import { asObj, asObjs, ENV_BY_NAME, EXTERNAL_SECRETS, listFiles, REPO, repoPath, SERVICES, type Obj } from './support.js';

// The application's kustomizations; k8s/monitoring is an add-on of other kinds (monitoring.spec.ts).
const roots = listFiles(repoPath('k8s'), (n) => n === 'kustomization.yaml')
  .map((f) => relative(REPO, dirname(f)))
  .filter((r) => r !== 'k8s/monitoring');

describe.each(roots)('%s (rendered)', (root) => {
  const objs = render(repoPath(root));

  it('has one Deployment per service', () => {
    expect(
      byKind(objs, 'Deployment')
        .map((d) => asObj(d.metadata).name)
        .sort(),
    ).toEqual([...SERVICES].sort());
  });
  it('commands run dist/apps/<known app>/main.js; every variable is in ENV_SPEC, read by that app, secrets from Secrets, values the app accepts', () => {
    expect(checkWorkloadEnv(objs)).toEqual([]);
  });
  it('Deployments: both probes on /health/live and /health/ready at the API_PORT port, ports = ENV_SPEC defaults, resources set', () => {
    expect(checkDeployments(objs)).toEqual([]);
  });
  it('pods run non-root with a read-only root filesystem and /tmp as an emptyDir', () => {
    expect(checkPodSecurity(objs)).toEqual([]);
  });
  it('gateway: HPA targets it, PDB selects its pods, termination grace exceeds preStop + DRAIN_WINDOW_MS', () => {
    expect(checkGatewayLifecycle(objs)).toEqual([]);
  });
  it('Services: OCPP and API of the gateway on their named ports, no session affinity', () => {
    expect(checkServices(objs)).toEqual([]);
  });
  it('NetworkPolicies: default deny; only the gateway takes traffic from outside the namespace', () => {
    expect(checkNetworkPolicies(objs)).toEqual([]);
  });
  it('referenced ConfigMaps and Secrets exist, or are the documented external Secrets', () => {
    expect(checkReferences(objs)).toEqual([]);
  });
  it("migrations run on every release with no hand work: each Deployment's first init container runs --migrate-only of the all-in-one, from its own image and database Secret; no Job", () => {
    expect(checkMigrations(objs)).toEqual([]);
    expect(byKind(objs, 'Job')).toEqual([]);
    for (const d of byKind(objs, 'Deployment')) expect(asObjs(podSpec(d).initContainers).map((c) => c.name)).toEqual(['migrate']);
  });
  it('every service gets the same NATS_* settings', () => {
    expect(checkNatsClient(objs)).toEqual([]);
  });
  it('all containers run the one image', () => {
    const images = new Set(objs.flatMap((o) => asObjs(podSpec(o).containers)).map((c) => c.image));
    expect(images.size).toBe(1);
  });
});

describe('k8s/overlays/production', () => {
  const objs = render(repoPath('k8s/overlays/production'));
  const container = (name: string): [Obj, Obj] => {
    const d = find(objs, 'Deployment', name) as Obj;
    return [d, asObjs(podSpec(d).containers)[0]];
  };

  it('refuses unknown chargers wherever UNKNOWN_CHARGERS is read', () => {
    const readers = SERVICES.filter((s) => (ENV_BY_NAME.get('UNKNOWN_CHARGERS')?.usedBy as readonly string[]).includes(s));
    expect(readers.length).toBeGreaterThan(0);
    for (const s of readers) expect(envValue(...container(s), objs, 'UNKNOWN_CHARGERS')).toBe('reject');
  });
  it('serves wss: TLS_CERT_FILE and TLS_KEY_FILE inside the mounted TLS Secret', () => {
    const [d, c] = container('gateway');
    expect(envValue(d, c, objs, 'TLS_CERT_FILE')).toBe('/etc/csms/tls/tls.crt');
    expect(envValue(d, c, objs, 'TLS_KEY_FILE')).toBe('/etc/csms/tls/tls.key');
    const tls = asObjs(podSpec(d).volumes).find((v) => v.name === 'tls');
    expect(asObj(tls?.secret).secretName).toBe('csms-gateway-tls');
  });
  it('reaches NATS with credentials from Secret csms-nats (optional keys) and verifies its TLS certificate with the CA in Secret csms-nats-client', () => {
    for (const s of SERVICES) {
      const [d, c] = container(s);
      const env = asObjs(c.env);
      for (const name of ['NATS_USER', 'NATS_PASSWORD', 'NATS_TOKEN']) {
        expect([name, asObj(env.find((e) => e.name === name)?.valueFrom).secretKeyRef]).toEqual([name, { name: 'csms-nats', key: name, optional: true }]);
      }
      expect(envValue(d, c, objs, 'NATS_TLS_CA_FILE')).toBe('/etc/csms/nats/ca.crt');
      const volume = asObjs(podSpec(d).volumes).find((v) => v.name === 'nats-client');
      expect(asObj(volume?.secret).secretName).toBe('csms-nats-client');
      expect(asObjs(c.volumeMounts).find((m) => m.name === 'nats-client')).toEqual({ name: 'nats-client', mountPath: '/etc/csms/nats', readOnly: true });
    }
  });
  it('serves the operator API with token authentication only: API_AUTH=token, API_ADMIN_TOKEN from Secret csms-api', () => {
    for (const s of SERVICES.filter((x) => (ENV_BY_NAME.get('API_AUTH')?.usedBy as readonly string[]).includes(x))) {
      expect([s, envValue(...container(s), objs, 'API_AUTH')]).toEqual([s, 'token']);
    }
    for (const s of SERVICES.filter((x) => (ENV_BY_NAME.get('API_ADMIN_TOKEN')?.usedBy as readonly string[]).includes(x))) {
      const env = asObjs(container(s)[1].env);
      expect([s, asObj(env.find((e) => e.name === 'API_ADMIN_TOKEN')?.valueFrom).secretKeyRef]).toEqual([s, { name: 'csms-api', key: 'API_ADMIN_TOKEN' }]);
    }
  });
  it('keeps no credential in git: the placeholder database Secret is dropped, real Secrets come from outside', () => {
    expect(byKind(objs, 'Secret')).toEqual([]);
  });
  it('runs a released image, several replicas of every service', () => {
    const images = objs.flatMap((o) => asObjs(podSpec(o).containers)).map((c) => String(c.image));
    for (const image of images) expect(image).not.toMatch(/:(local|latest)$/);
    for (const s of SERVICES.filter((x) => x !== 'gateway')) expect(Number(asObj(find(objs, 'Deployment', s)?.spec).replicas)).toBeGreaterThanOrEqual(2);
    expect(Number(asObj(byKind(objs, 'HorizontalPodAutoscaler')[0].spec).minReplicas)).toBeGreaterThanOrEqual(3);
  });
});

describe('docs/deploy.md', () => {
  const doc = (): string => readFileSync(repoPath('docs/deploy.md'), 'utf8');
  it('tells how to create every external Secret the manifests reference', () => {
    for (const name of EXTERNAL_SECRETS) expect(doc()).toContain(name);
  });
  it('gives the NATS Helm chart values (JetStream, file storage, 3 replicas, TLS, users)', () => {
    expect(doc()).toMatch(/jetstream:\s*\n\s*enabled: true/);
    expect(doc()).toMatch(/fileStore:\s*\n\s*enabled: true/);
    expect(doc()).toMatch(/replicas: 3/);
    expect(doc()).toMatch(/tls:\s*\n\s*enabled: true/);
    expect(doc()).toMatch(/authorization:/);
  });
  it('names every NATS client variable, the connected-chargers metric, and no migration Job to delete', () => {
    for (const name of [...ENV_BY_NAME.keys()].filter((n) => n.startsWith('NATS_'))) expect(doc()).toContain(name);
    expect(doc()).toContain('ocpp_connected_chargers');
    expect(doc()).not.toMatch(/delete job|job\/csms-migrate/i);
  });
});
