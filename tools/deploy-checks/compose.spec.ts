/**
 * docker/compose.yml, read statically (no Docker engine in CI): NATS with JetStream on a volume,
 * PostgreSQL on a volume, a one-shot migrate, every service from docker/Dockerfile with its APP,
 * only variables of ENV_SPEC, secrets never written literally, ports = ENV_SPEC defaults.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnv } from '#csms/config';
import {
  appOfCommand,
  asArr,
  asObj,
  durationMs,
  ENV_BY_NAME,
  envDefault,
  OCPP_APPS,
  placeholderValue,
  readBy,
  readYaml,
  repoPath,
  SERVICES,
  type Obj,
} from './support.js';

const compose = asObj(readYaml(repoPath('docker/compose.yml')));
const services = asObj(compose.services);
const svc = (name: string): Obj => asObj(services[name]);
const ours = Object.keys(services).filter((n) => asObj(svc(n).build).dockerfile === 'docker/Dockerfile');
const env = (name: string): Obj => asObj(svc(name).environment);
/** `${VAR:-default}` as compose would expand it with VAR unset (undefined when no default). */
function interpolate(value: string): string | undefined {
  let undef = false;
  const out = value.replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?(?::?\?[^}]*)?\}/g, (_m, _v: string, def?: string) => {
    if (def === undefined) undef = true;
    return def ?? '';
  });
  return undef ? undefined : out;
}

describe('docker/compose.yml', () => {
  it('has NATS, PostgreSQL, migrate, every service and the all-in-one csms', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['nats', 'postgres', 'migrate', ...SERVICES, 'csms']));
    expect(ours.sort()).toEqual(['migrate', ...SERVICES, 'csms'].sort());
  });

  it('runs NATS (official image) with JetStream stored on a volume, and a health check', () => {
    const nats = svc('nats');
    expect(String(nats.image)).toMatch(/^nats:\d+\.\d+/);
    const cmd = asArr(nats.command).map(String);
    expect(cmd).toContain('-js');
    expect(cmd[cmd.indexOf('-sd') + 1]).toBe('/data');
    expect(asArr(nats.volumes)).toContainEqual(expect.stringMatching(/^[a-z-]+:\/data$/));
    expect(asObj(nats.healthcheck).test).toBeDefined();
  });

  it('runs PostgreSQL on a volume with a health check', () => {
    const pg = svc('postgres');
    expect(String(pg.image)).toMatch(/^postgres:\d+/);
    expect(asArr(pg.volumes)).toContainEqual(expect.stringMatching(/^[a-z-]+:\/var\/lib\/postgresql\/data$/));
    expect(JSON.stringify(asObj(pg.healthcheck).test)).toContain('pg_isready');
  });

  it('declares every named volume it mounts', () => {
    const named = Object.values(services)
      .flatMap((s) => asArr(asObj(s).volumes))
      .map((v) => String(v).split(':')[0])
      .filter((v) => !v.startsWith('.') && !v.startsWith('/'));
    expect(named.filter((v) => !(v in asObj(compose.volumes)))).toEqual([]);
  });

  it('migrate runs --migrate-only once, after PostgreSQL is healthy', () => {
    const m = svc('migrate');
    expect(m.command).toEqual(['node', 'dist/apps/csms/main.js', '--migrate-only']);
    expect(m.restart).toBe('no');
    expect(asObj(asObj(m.depends_on).postgres).condition).toBe('service_healthy');
  });

  it.each(SERVICES)('%s starts after NATS and PostgreSQL are healthy and migrate completed', (name) => {
    const dep = asObj(svc(name).depends_on);
    expect(asObj(dep.nats).condition).toBe('service_healthy');
    expect(asObj(dep.postgres).condition).toBe('service_healthy');
    expect(asObj(dep.migrate).condition).toBe('service_completed_successfully');
  });

  it('the csms all-in-one is an optional profile', () => {
    expect(svc('csms').profiles).toEqual(['csms']);
  });

  it.each(ours)('%s: built from docker/Dockerfile with APP = the app its command runs', (name) => {
    const s = svc(name);
    const build = asObj(s.build);
    expect(existsSync(join(repoPath('docker'), String(build.context), String(build.dockerfile)))).toBe(true);
    const app = appOfCommand(asArr(s.command));
    expect(app).toBe(asObj(build.args).APP);
    expect(asArr(s.command)[0]).toBe('node');
    if ((SERVICES as readonly string[]).includes(name)) expect(app).toBe(name);
  });

  it.each(ours)('%s: only ENV_SPEC variables the app reads, secrets not written literally, values the app accepts', (name) => {
    const app = String(appOfCommand(asArr(svc(name).command)));
    const problems: string[] = [];
    const values: Record<string, string> = {};
    for (const [key, raw] of Object.entries(env(name))) {
      const spec = ENV_BY_NAME.get(key);
      if (!spec) {
        problems.push(`${key} is not in ENV_SPEC`);
        continue;
      }
      if (!readBy(spec, app)) problems.push(`${key} is not read by ${app}`);
      if (typeof raw !== 'string') problems.push(`${key} must be a quoted string`);
      // Compose has no Secret object: a secret comes from the host's environment (or an `.env` file beside docker/compose.yml).
      if (spec.secret && !String(raw).includes('${')) problems.push(`${key} is secret: take it from the environment (\${...}), not literally`);
      values[key] = interpolate(String(raw)) ?? placeholderValue(spec);
    }
    expect(problems).toEqual([]);
    expect(() => loadEnv(values)).not.toThrow();
  });

  it('publishes the ENV_SPEC default ports: OCPP_PORT and API_PORT on the gateway (and the csms profile)', () => {
    const ocpp = envDefault('OCPP_PORT');
    const api = envDefault('API_PORT');
    for (const name of ours) {
      const targets = asArr(svc(name).ports).map((p) => String(p).split(':').pop());
      const app = String(appOfCommand(asArr(svc(name).command)));
      const e = env(name);
      if (e.API_PORT !== undefined) expect(e.API_PORT).toBe(api);
      if (e.OCPP_PORT !== undefined) expect(e.OCPP_PORT).toBe(ocpp);
      if (name === 'gateway' || name === 'csms') expect(targets.sort()).toEqual([api, ocpp].sort());
      else expect(targets).toEqual([]);
      if (targets.includes(ocpp)) expect(OCPP_APPS).toContain(app);
    }
    expect(asArr(svc('gateway').ports)).toEqual(expect.arrayContaining([`${ocpp}:${ocpp}`, `${api}:${api}`]));
  });

  it('gives the gateway longer than its drain window to stop', () => {
    const drain = Number(env('gateway').DRAIN_WINDOW_MS ?? envDefault('DRAIN_WINDOW_MS'));
    expect(durationMs(svc('gateway').stop_grace_period)).toBeGreaterThan(drain);
  });

  it('runs our containers with a read-only root filesystem and a tmpfs /tmp', () => {
    for (const name of ours) {
      expect(svc(name).read_only).toBe(true);
      expect(asArr(svc(name).tmpfs)).toContain('/tmp');
    }
  });
});
