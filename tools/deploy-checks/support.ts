/**
 * Shared helpers of the deployment checks. No Docker engine or cluster runs in CI, so docker/ and
 * k8s/ are checked statically here against the one list of environment variables (ENV_SPEC).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, loadAll, YAML11_SCHEMA } from 'js-yaml';
import { ENV_SPEC, type EnvVarSpec } from '#csms/config';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoPath = (...parts: string[]): string => join(REPO, ...parts);

/**
 * Apps that `npm run build` puts under dist/apps/<name>/main.js (docs/CONVENTIONS-FOR-CONTRIBUTORS.md,
 * docs/reference/design-decisions.md#services-and-flows).
 */
export const KNOWN_APPS = ['gateway', 'auth', 'config-manager', 'metering', 'csms', 'simulator'] as const;
export type AppName = (typeof KNOWN_APPS)[number];
/** The services deployed one per Deployment / compose service. */
export const SERVICES = ['gateway', 'auth', 'config-manager', 'metering'] as const;
/** Apps that serve chargers on OCPP_PORT. */
export const OCPP_APPS: readonly string[] = ['gateway', 'csms'];

/** Secrets the production overlay expects to be created out of band; docs/deploy.md names each. */
export const EXTERNAL_SECRETS = ['csms-database', 'csms-api', 'csms-gateway-tls', 'csms-nats', 'csms-nats-client'] as const;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asObjs = (v: unknown): Obj[] => asArr(v).filter(isObj);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * YAML 1.1 with merge keys: what kubectl (sigs.k8s.io/yaml) and docker compose read, so `yes`,
 * `0440` and `<<: *anchor` mean here what they mean there. (js-yaml 5 defaults to YAML 1.2.)
 */
export function parseYamlAll(text: string): unknown[] {
  return loadAll(text, { schema: YAML11_SCHEMA }).filter((d) => d !== null && d !== undefined);
}
export function parseYaml(text: string): unknown {
  return load(text, { schema: YAML11_SCHEMA });
}
export const readYamlAll = (file: string): unknown[] => parseYamlAll(readFileSync(file, 'utf8'));
export const readYaml = (file: string): unknown => parseYaml(readFileSync(file, 'utf8'));

export function listFiles(dir: string, test: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, test));
    else if (test(name)) out.push(full);
  }
  return out;
}
export const isYamlName = (name: string): boolean => /\.ya?ml$/.test(name);

export const ENV_BY_NAME: ReadonlyMap<string, EnvVarSpec> = new Map(ENV_SPEC.map((s) => [s.name, s]));
export const envDefault = (name: string): string | undefined => ENV_BY_NAME.get(name)?.default;

/** Whether `app` reads the variable (ENV_SPEC usedBy). */
export function readBy(spec: EnvVarSpec, app: string): boolean {
  return spec.usedBy.includes('all') || (spec.usedBy as readonly string[]).includes(app);
}

/** A value valid for the variable's kind, for variables whose real value is not in the files. */
export function placeholderValue(spec: EnvVarSpec): string {
  switch (spec.kind) {
    case 'url':
      return spec.name === 'DATABASE_URL' ? 'postgres://user:pw@db:5432/csms' : 'nats://nats:4222';
    case 'port':
      return spec.default ?? '1';
    case 'int':
      return String(spec.min ?? 0);
    case 'enum':
      return spec.values?.[0] ?? '';
    case 'bool':
      return 'false';
    default:
      return `/placeholder/${spec.name.toLowerCase()}`;
  }
}

/** The app a command runs: the `dist/apps/<app>/main.js` element, or undefined. */
export function appOfCommand(command: readonly unknown[]): string | undefined {
  for (const part of command) {
    const m = typeof part === 'string' ? /^dist\/apps\/([^/]+)\/main\.js$/.exec(part) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Kubernetes quantity to a number (cores or bytes), for comparing requests with limits. */
export function quantity(v: unknown): number {
  const s = String(v);
  const m = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(s);
  if (!m) return Number.NaN;
  const mult: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

/** Milliseconds in a compose duration such as "30s", "1m30s", "500ms". */
export function durationMs(v: unknown): number {
  const s = String(v);
  let total = 0;
  let rest = s;
  for (const [re, mult] of [
    [/^(\d+)h/, 3600000],
    [/^(\d+)m(?!s)/, 60000],
    [/^(\d+)s/, 1000],
    [/^(\d+)ms/, 1],
  ] as const) {
    const m = re.exec(rest);
    if (m) {
      total += Number(m[1]) * mult;
      rest = rest.slice(m[0].length);
    }
  }
  return rest === '' && s !== '' ? total : Number.NaN;
}
