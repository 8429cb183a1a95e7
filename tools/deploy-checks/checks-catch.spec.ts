/**
 * The checks themselves: each known mistake, planted in a copy of the rendered base, is reported.
 * (A check that passes on good manifests proves little unless it also fails on bad ones.)
 */
import { render } from './render.js';
import { checkDeployments, checkPodSecurity, checkWorkloadEnv, find, podSpec } from './k8s-checks.js';
import { checkGatewayLifecycle, checkMigrations, checkNatsClient, checkNetworkPolicies, checkReferences, checkServices } from './k8s-topology-checks.js';
import { asObj, asObjs, repoPath, type Obj } from './support.js';

const base = render(repoPath('k8s/base'));
const all = (objs: Obj[]): string[] => [
  ...checkWorkloadEnv(objs),
  ...checkDeployments(objs),
  ...checkPodSecurity(objs),
  ...checkGatewayLifecycle(objs),
  ...checkServices(objs),
  ...checkNetworkPolicies(objs),
  ...checkReferences(objs),
  ...checkMigrations(objs),
  ...checkNatsClient(objs),
];
const production = render(repoPath('k8s/overlays/production'));
const get = (objs: Obj[], kind: string, name: string): Obj => find(objs, kind, name) as Obj;
const container = (objs: Obj[], name: string): Obj => asObjs(podSpec(get(objs, 'Deployment', name)).containers)[0];
const env = (c: Obj): Obj[] => {
  c.env = asObjs(c.env);
  return c.env as Obj[];
};

const mistakes: Array<[string, (o: Obj[]) => void, RegExp]> = [
  ['an invented variable', (o) => env(container(o, 'auth')).push({ name: 'INVENTED_VAR', value: 'x' }), /INVENTED_VAR is not in ENV_SPEC/],
  [
    'a secret written literally',
    (o) => {
      env(container(o, 'metering'))[0] = { name: 'DATABASE_URL', value: 'postgres://u:p@db/x' };
    },
    /DATABASE_URL is secret/,
  ],
  [
    'a secret in a ConfigMap',
    (o) => {
      asObj(get(o, 'ConfigMap', 'csms-common').data).DATABASE_URL = 'postgres://u:p@db/x';
    },
    /ConfigMap\/csms-common: DATABASE_URL is secret/,
  ],
  [
    'a secret path outside a Secret volume',
    (o) => env(container(o, 'gateway')).push({ name: 'TLS_CERT_FILE', value: '/etc/c.pem' }, { name: 'TLS_KEY_FILE', value: '/etc/k.pem' }),
    /TLS_KEY_FILE is secret/,
  ],
  ['a variable the app does not read', (o) => env(container(o, 'auth')).push({ name: 'OCPP_PORT', value: '9000' }), /OCPP_PORT is not read by auth/],
  [
    'a value the app refuses',
    (o) => {
      asObj(get(o, 'ConfigMap', 'csms-policy').data).UNKNOWN_CHARGERS = 'maybe';
    },
    /would refuse its environment: invalid environment variable UNKNOWN_CHARGERS/,
  ],
  ['an unquoted number', (o) => env(container(o, 'auth')).push({ name: 'LOG_LEVEL', value: 1 }), /LOG_LEVEL must be a string/],
  [
    'an unknown app',
    (o) => {
      container(o, 'metering').command = ['node', 'dist/apps/billing/main.js'];
    },
    /must run dist\/apps/,
  ],
  [
    'a wrong readiness path',
    (o) => {
      asObj(asObj(container(o, 'auth').readinessProbe).httpGet).path = '/healthz';
    },
    /readinessProbe must GET \/health\/ready/,
  ],
  [
    'liveness on the OCPP port',
    (o) => {
      asObj(asObj(container(o, 'gateway').livenessProbe).httpGet).port = 'ocpp';
    },
    /livenessProbe must use the port named for API_PORT/,
  ],
  [
    'API_PORT off its default',
    (o) => {
      asObj(get(o, 'ConfigMap', 'csms-common').data).API_PORT = '8081';
    },
    /API_PORT 8081 differs/,
  ],
  [
    'no limits',
    (o) => {
      delete asObj(container(o, 'metering').resources).limits;
    },
    /resources.limits.cpu must both be set|must both be set/,
  ],
  [
    'root',
    (o) => {
      asObj(podSpec(get(o, 'Deployment', 'auth')).securityContext).runAsUser = 0;
    },
    /runAsUser must be a non-zero uid/,
  ],
  [
    'a writable root filesystem',
    (o) => {
      asObj(container(o, 'auth').securityContext).readOnlyRootFilesystem = false;
    },
    /readOnlyRootFilesystem/,
  ],
  [
    'service links on',
    (o) => {
      podSpec(get(o, 'Deployment', 'auth')).enableServiceLinks = true;
    },
    /enableServiceLinks/,
  ],
  [
    'a grace period shorter than the drain',
    (o) => {
      podSpec(get(o, 'Deployment', 'gateway')).terminationGracePeriodSeconds = 12;
    },
    /must exceed preStop/,
  ],
  [
    'a drain longer than the grace period',
    (o) => {
      asObj(get(o, 'ConfigMap', 'csms-gateway').data).DRAIN_WINDOW_MS = '70000';
    },
    /DRAIN_WINDOW_MS \(70000 ms\)/,
  ],
  [
    'an HPA on another Deployment',
    (o) => {
      asObj(asObj(get(o, 'HorizontalPodAutoscaler', 'gateway').spec).scaleTargetRef).name = 'auth';
    },
    /must target Deployment\/gateway/,
  ],
  [
    'replicas on the HPA-owned gateway',
    (o) => {
      asObj(get(o, 'Deployment', 'gateway').spec).replicas = 3;
    },
    /must not set spec.replicas/,
  ],
  [
    'a PDB on other pods',
    (o) => {
      asObj(asObj(asObj(get(o, 'PodDisruptionBudget', 'gateway').spec).selector).matchLabels)['app.kubernetes.io/name'] = 'auth';
    },
    /PodDisruptionBudget must select the gateway pods/,
  ],
  [
    'session affinity for OCPP',
    (o) => {
      asObj(get(o, 'Service', 'gateway-ocpp').spec).sessionAffinity = 'ClientIP';
    },
    /no session affinity/,
  ],
  [
    'a service exposed outside',
    (o) =>
      o.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'auth-lb' },
        spec: {
          type: 'LoadBalancer',
          selector: { 'app.kubernetes.io/name': 'auth', 'app.kubernetes.io/part-of': 'csms' },
          ports: [{ port: 8080, targetPort: 'http' }],
        },
      }),
    /only the gateway is exposed/,
  ],
  [
    'outside traffic to every pod',
    (o) => {
      asObj(get(o, 'NetworkPolicy', 'gateway-from-anywhere').spec).podSelector = {};
    },
    /only the gateway may take it/,
  ],
  ['no default deny', (o) => o.splice(o.indexOf(get(o, 'NetworkPolicy', 'default-deny-ingress')), 1), /deny all ingress by default/],
  [
    'no migration before a Deployment starts',
    (o) => {
      delete podSpec(get(o, 'Deployment', 'metering')).initContainers;
    },
    /Deployment\/metering: the first init container must run node dist\/apps\/csms\/main.js --migrate-only/,
  ],
  [
    'a migration from another image',
    (o) => {
      asObjs(podSpec(get(o, 'Deployment', 'auth')).initContainers)[0].image = 'csms:old';
    },
    /migrate init container must run the pod's image/,
  ],
  [
    'a migration on another database',
    (o) => {
      asObj(asObj(asObjs(asObjs(podSpec(get(o, 'Deployment', 'auth')).initContainers)[0].env)[0].valueFrom).secretKeyRef).name = 'csms-nats';
    },
    /must take DATABASE_URL from the Secret its container uses/,
  ],
  [
    'a migration Job with a fixed name',
    (o) =>
      o.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'csms-migrate' },
        spec: { template: { spec: { containers: [{ name: 'm', command: ['node', 'dist/apps/csms/main.js', '--migrate-only'] }] } } },
      }),
    /Job\/csms-migrate: migrations run in the Deployments' init containers/,
  ],
  [
    'an init container running as root',
    (o) => {
      asObj(asObjs(podSpec(get(o, 'Deployment', 'gateway')).initContainers)[0].securityContext).allowPrivilegeEscalation = true;
    },
    /Deployment\/gateway\/migrate: allowPrivilegeEscalation must be false/,
  ],
  [
    'an undocumented Secret',
    (o) => {
      asObj(asObj(env(container(o, 'auth'))[0].valueFrom).secretKeyRef).name = 'db-creds';
    },
    /Secret db-creds is neither rendered nor one of the documented/,
  ],
];

describe('the checks catch', () => {
  it('nothing on the real base and production overlay', () => {
    expect(all(base)).toEqual([]);
    expect(all(production)).toEqual([]);
  });
  it('NATS settings that differ between services (production: one service without the token)', () => {
    const objs = structuredClone(production);
    const metering = container(objs, 'metering');
    metering.env = asObjs(metering.env).filter((e) => e.name !== 'NATS_TOKEN');
    expect(all(objs).some((p) => /Deployment\/metering: NATS_\* variables differ/.test(p))).toBe(true);
  });
  it('a NATS key file outside a Secret volume (production)', () => {
    const objs = structuredClone(production);
    env(container(objs, 'auth')).push({ name: 'NATS_TLS_CERT_FILE', value: '/etc/c.pem' }, { name: 'NATS_TLS_KEY_FILE', value: '/etc/k.pem' });
    expect(all(objs).some((p) => /auth: NATS_TLS_KEY_FILE is secret/.test(p))).toBe(true);
  });
  it.each(mistakes)('%s', (_label, plant, expected) => {
    const objs = structuredClone(base);
    plant(objs);
    const problems = all(objs);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });
});
