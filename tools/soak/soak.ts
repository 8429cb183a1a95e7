/**
 * Multi-process soak (docs/reference/design-decisions.md#deployment): its own nats-server (JetStream) and a fresh PostgreSQL
 * database, auth, config-manager, metering and N gateways (default 2) as separate processes, raw-ws
 * chargers spread over the gateways from forked fleet workers. Then `--roll K` gateways (default 1; all
 * of them = a rolling update) are replaced one after another: SIGTERM (drain: 1012 over
 * DRAIN_WINDOW_MS), their chargers reconnect to the others, the gateway is restarted on its ports.
 * Meanwhile commands go through the other gateways' APIs. At the end every acknowledged MeterValues
 * must be in the database once. Exit code 1 on any loss or failed command.
 *
 *   node dist/tools/soak/soak.js --chargers 2000 --minutes 3 [--gateways 3 --roll 3] [--meter-interval-ms 5000] [--drain-ms 10000]
 */
import { fileURLToPath } from 'node:url';
import { createTestDatabase, startNatsServer } from '#csms/testing';
import { startFleet, type Fleet } from './fleet.js';
import { consumerCaughtUp, rowsPerCharger, startApp, type Service } from './services.js';

interface Options {
  chargers: number;
  minutes: number;
  meterIntervalMs: number;
  heartbeatIntervalMs: number;
  drainMs: number;
  workers: number;
  /** Gateway processes (pods). */
  gateways: number;
  /** How many of them are replaced one after another (a rolling update: all of them). */
  roll: number;
}

export function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
    return v;
  };
  const chargers = Math.floor(get('chargers', 50));
  const gateways = Math.floor(get('gateways', 2));
  if (gateways < 2) throw new Error("--gateways must be at least 2: a drained gateway's chargers need another one");
  return {
    chargers,
    minutes: get('minutes', 1),
    meterIntervalMs: get('meter-interval-ms', 5_000),
    heartbeatIntervalMs: get('heartbeat-interval-ms', 30_000),
    drainMs: get('drain-ms', chargers >= 1_000 ? 10_000 : 3_000),
    workers: Math.floor(get('workers', Math.min(4, Math.max(1, Math.ceil(chargers / 500))))),
    gateways,
    roll: Math.min(gateways, Math.floor(get('roll', 1))),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The running fleet (killed if the run fails). */
let fleet: Fleet | undefined;

/** One gateway replaced: SIGTERM (drain), every charger open again elsewhere, restarted on its ports. */
interface Replacement {
  gateway: string;
  exitCode: number | null;
  /** SIGTERM to exit. */
  drainMs: number;
  /** SIGTERM to every charger open again (on the other gateways). */
  reconnectAllMs: number;
  /** Chargers it held when SIGTERM came. */
  moved: number;
}

export async function runSoak(o: Options): Promise<boolean> {
  const started = Date.now();
  const nats = await startNatsServer({ jetstream: true });
  const db = await createTestDatabase();
  const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
  const services: Service[] = [];
  try {
    for (const app of ['auth', 'config-manager', 'metering'] as const) services.push(await startApp(app, env));
    const gwEnv = { ...env, DRAIN_WINDOW_MS: String(o.drainMs) };
    const names = Array.from({ length: o.gateways }, (_, g) => String.fromCharCode(65 + g));
    const gateways: Service[] = [];
    for (const n of names) gateways.push(await startApp('gateway', { ...gwEnv, GATEWAY_ID: `soak-${n.toLowerCase()}` }, `gateway-${n.toLowerCase()}`));
    services.push(...gateways);
    log(
      `nats ${nats.url}, db ${db.name}, gateways ${gateways.map((g, i) => `${names[i]} ${g.ocppUrl}`).join(', ')}; ${o.chargers} chargers in ${o.workers} worker(s)`,
    );

    // Charger i starts on gateway i mod N; after a close it tries the next one, as behind a Service.
    const ids = Array.from({ length: o.chargers }, (_, i) => `SOAK${String(i + 1).padStart(6, '0')}`);
    const urlsOf = (i: number): string[] => gateways.map((_, k) => gateways[(i + k) % gateways.length].ocppUrl);
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const connectStart = Date.now();
    const f = (fleet = startFleet({ ids, urlsOf, workers: o.workers, meterIntervalMs: o.meterIntervalMs, heartbeatIntervalMs: o.heartbeatIntervalMs, base }));
    const where = f.where;
    const total = f.total;
    await f.connected;
    await f.until('every charger booted', () => total().booted === o.chargers, 300_000);
    const connectAllMs = Date.now() - connectStart;
    log(`all ${o.chargers} chargers connected and booted in ${connectAllMs} ms`);

    const runMs = o.minutes * 60_000;
    await sleep(runMs * 0.4);
    log(`before the first drain: ${total().meterValuesAcked} MeterValues acked, open per gateway ${JSON.stringify(total().perUrl)}`);

    const api = async (apiUrl: string, id: string): Promise<number> => {
      const res = await fetch(`${apiUrl}/api/v1/chargers/${id}/commands/ClearCache?timeoutMs=10000`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(20_000),
      });
      await res.text();
      return res.status;
    };
    const commands = { stableOk: 0, stableFailed: 0, movedOk: 0, movedNotYet: 0, afterOk: 0, afterFailed: 0, failures: [] as string[] };
    const fail = (line: string): void => void (commands.failures.length < 10 && commands.failures.push(line));
    const replacements: Replacement[] = [];
    for (let g = 0; g < o.roll; g++) {
      const draining = gateways[g];
      const others = gateways.filter((x) => x !== draining);
      const at = await where();
      const moving = ids.filter((id) => at.get(id) === draining.ocppUrl);
      const stable = ids.filter((id) => at.has(id) && at.get(id) !== draining.ocppUrl);
      // Commands through the other gateways' APIs while this one drains, exits and comes back: to
      // chargers elsewhere (must all succeed) and to chargers that are moving (counted).
      let commanding = true;
      const commandLoop = (async () => {
        for (let i = 0; commanding; i++) {
          const via = others[i % others.length].apiUrl;
          if (stable.length) {
            const id = stable[i % stable.length];
            const status = await api(via, id).catch(() => 0);
            if (status === 200) commands.stableOk++;
            else {
              commands.stableFailed++;
              fail(`${id} via ${via}: HTTP ${status}`);
            }
          }
          // A charger of the draining gateway is not connected (404) until it is back elsewhere.
          if (moving.length) (await api(via, moving[i % moving.length]).catch(() => 0)) === 200 ? commands.movedOk++ : commands.movedNotYet++;
          if (!stable.length && !moving.length) await sleep(100);
        }
      })();
      const sigterm = Date.now();
      log(`SIGTERM gateway ${names[g]} (${moving.length} chargers, drain window ${o.drainMs} ms)`);
      const exitCode = await draining.stop();
      const drainMs = Date.now() - sigterm;
      await f.until(
        `every charger of gateway ${names[g]} open again elsewhere`,
        () => total().open === o.chargers && !(draining.ocppUrl in total().perUrl),
        300_000,
      );
      const reconnectAllMs = Date.now() - sigterm;
      log(
        `gateway ${names[g]} exited with ${exitCode} after ${drainMs} ms; all chargers open again after ${reconnectAllMs} ms; per gateway ${JSON.stringify(total().perUrl)}`,
      );
      const { port: apiPort } = new URL(draining.apiUrl);
      const { port: ocppPort } = new URL(draining.ocppUrl);
      gateways[g] = await startApp(
        'gateway',
        { ...gwEnv, GATEWAY_ID: `soak-${names[g].toLowerCase()}`, API_PORT: apiPort, OCPP_PORT: ocppPort },
        `gateway-${names[g].toLowerCase()}`,
      );
      services.push(gateways[g]);
      commanding = false;
      await commandLoop;
      replacements.push({ gateway: names[g], exitCode, drainMs, reconnectAllMs, moved: moving.length });
      // Every charger that moved answers a command, through the gateways' APIs in turn (the restarted one
      // too), 8 at a time as operators' tools send them.
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < moving.length; i = next++) {
            const via = gateways[i % gateways.length].apiUrl;
            const status = await api(via, moving[i]).catch(() => 0);
            if (status === 200) commands.afterOk++;
            else {
              commands.afterFailed++;
              fail(`after ${names[g]}'s restart, ${moving[i]} via ${via}: HTTP ${status}`);
            }
          }
        }),
      );
    }

    await sleep(Math.max(0, runMs - (Date.now() - connectStart - connectAllMs)));
    const { stats: end, acked } = await f.stop();
    await f.until('the metering consumer to catch up', () => consumerCaughtUp(nats.url, 'OCPP_EVENTS', 'metering-meter-values'), 600_000);
    const stored = await rowsPerCharger(db.url, 'SOAK');
    let lost = 0;
    let doubled = 0;
    let extra = 0;
    for (const id of ids) {
      const s = stored.get(id) ?? { rows: 0, distinct: 0 };
      lost += Math.max(0, acked[id] - s.distinct);
      extra += Math.max(0, s.distinct - acked[id]);
      doubled += s.rows - s.distinct;
    }
    const summary = {
      chargers: o.chargers,
      minutes: o.minutes,
      gateways: o.gateways,
      connectAllMs,
      meterValuesAcked: end.meterValuesAcked,
      heartbeatsAcked: end.heartbeatsAcked,
      messagesAcked: end.meterValuesAcked + end.heartbeatsAcked + o.chargers,
      rowsStored: [...stored.values()].reduce((a, s) => a + s.rows, 0),
      lost,
      doubled,
      extra,
      replacements,
      closeCodes: end.closeCodes,
      callErrorsRetried: end.callErrors,
      resentAfterClose: end.resentAfterClose,
      commandsDuringReplacements: {
        toStableChargers: { ok: commands.stableOk, failed: commands.stableFailed },
        toMovingChargers: { ok: commands.movedOk, notYetBack: commands.movedNotYet },
      },
      commandsAfterEachRestart: { ok: commands.afterOk, failed: commands.afterFailed },
      totalMs: Date.now() - started,
    };
    console.log(`SOAK SUMMARY ${JSON.stringify(summary)}`);
    const movedTotal = replacements.reduce((a, r) => a + r.moved, 0);
    const problems = [
      ...(lost ? [`${lost} acknowledged MeterValues missing from the database`] : []),
      ...(doubled ? [`${doubled} readings stored twice`] : []),
      ...(extra ? [`${extra} readings stored that no charger saw acknowledged`] : []),
      ...replacements.filter((r) => r.exitCode !== 0).map((r) => `gateway ${r.gateway} exited with ${r.exitCode} on SIGTERM`),
      ...((end.closeCodes['1012'] ?? 0) !== movedTotal
        ? [`${end.closeCodes['1012'] ?? 0} sockets closed with 1012, ${movedTotal} chargers were on draining gateways`]
        : []),
      ...(commands.stableFailed || commands.afterFailed
        ? [`${commands.stableFailed + commands.afterFailed} commands failed: ${commands.failures.join('; ')}`]
        : []),
    ];
    for (const p of problems) console.log(`SOAK FAILURE: ${p}`);
    if (problems.length === 0) console.log('SOAK OK: no acknowledged message lost, every charger reconnected, commands kept flowing');
    return problems.length === 0;
  } finally {
    fleet?.kill();
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await nats.dispose().catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSoak(parseArgs(process.argv.slice(2))).then(
    (ok) => process.exit(ok ? 0 : 1),
    (err: unknown) => {
      console.error(`SOAK ERROR: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(2);
    },
  );
}
