/**
 * Multi-process soak (issue 7 §5): its own nats-server (JetStream) and a fresh PostgreSQL database, auth,
 * config-manager, metering and TWO gateways as separate processes, N raw-ws chargers spread over both
 * gateways from forked fleet workers. Gateway A then gets SIGTERM (drain: 1012 over DRAIN_WINDOW_MS) and
 * is restarted; its chargers reconnect to B. Meanwhile commands go through B's API to chargers on B.
 * At the end every acknowledged MeterValues must be in the database once. Exit code 1 on any loss.
 *
 *   node dist/tools/soak/soak.js --chargers 2000 --minutes 3 [--meter-interval-ms 5000] [--drain-ms 10000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, startNatsServer } from '#csms/testing';
import type { WorkerFinal, WorkerStart, WorkerStats } from './fleet-worker.js';
import { consumerCaughtUp, rowsPerCharger, startApp, type Service } from './services.js';

interface Options {
  chargers: number;
  minutes: number;
  meterIntervalMs: number;
  heartbeatIntervalMs: number;
  drainMs: number;
  workers: number;
}

export function parseArgs(argv: string[]): Options {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
    return v;
  };
  const chargers = Math.floor(get('chargers', 50));
  return {
    chargers,
    minutes: get('minutes', 1),
    meterIntervalMs: get('meter-interval-ms', 5_000),
    heartbeatIntervalMs: get('heartbeat-interval-ms', 30_000),
    drainMs: get('drain-ms', chargers >= 1_000 ? 10_000 : 3_000),
    workers: Math.floor(get('workers', Math.min(4, Math.max(1, Math.ceil(chargers / 500))))),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function until(what: string, probe: () => boolean | Promise<boolean>, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`soak: gave up waiting for ${what}`);
    await sleep(100);
  }
}

export async function runSoak(o: Options): Promise<boolean> {
  const started = Date.now();
  const nats = await startNatsServer({ jetstream: true });
  const db = await createTestDatabase();
  const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
  const services: Service[] = [];
  const workers: ChildProcess[] = [];
  try {
    for (const app of ['auth', 'config-manager', 'metering'] as const) services.push(await startApp(app, env));
    const gwEnv = { ...env, DRAIN_WINDOW_MS: String(o.drainMs) };
    let gwA = await startApp('gateway', { ...gwEnv, GATEWAY_ID: 'soak-a' }, 'gateway-a');
    const gwB = await startApp('gateway', { ...gwEnv, GATEWAY_ID: 'soak-b' }, 'gateway-b');
    // A restarted gateway comes back on the same port: chargers keep their URL list, as behind a Service.
    const portA = new URL(gwA.apiUrl).port;
    const ocppPortA = new URL(gwA.ocppUrl).port;
    services.push(gwA, gwB);
    log(`nats ${nats.url}, db ${db.name}, gateways A ${gwA.ocppUrl} B ${gwB.ocppUrl}; ${o.chargers} chargers in ${o.workers} worker(s)`);

    const ids = Array.from({ length: o.chargers }, (_, i) => `SOAK${String(i + 1).padStart(6, '0')}`);
    const onA = new Set(ids.filter((_, i) => i % 2 === 0));
    const onB = ids.filter((id) => !onA.has(id));
    const latest = new Map<ChildProcess, WorkerStats>();
    const finals: WorkerFinal[] = [];
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const workerPath = fileURLToPath(new URL('./fleet-worker.js', import.meta.url));
    const connected: Array<Promise<void>> = [];
    for (let w = 0; w < o.workers; w++) {
      const mine = ids.filter((_, i) => i % o.workers === w);
      const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(child);
      connected.push(
        new Promise<void>((resolve, reject) => {
          child.on('message', (m: WorkerStats | WorkerFinal | { type: 'connected' }) => {
            if (m.type === 'stats') latest.set(child, m);
            else if (m.type === 'final') finals.push(m);
            else resolve();
          });
          child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`fleet worker exited with ${code}`))));
        }),
      );
      const start: WorkerStart = {
        type: 'start',
        chargers: mine.map((id) => ({ id, urls: onA.has(id) ? [gwA.ocppUrl, gwB.ocppUrl] : [gwB.ocppUrl, gwA.ocppUrl] })),
        meterIntervalMs: o.meterIntervalMs,
        heartbeatIntervalMs: o.heartbeatIntervalMs,
        base,
        connectConcurrency: 50,
      };
      child.send(start);
    }
    const total = (): WorkerStats => sum([...latest.values()]);
    const connectStart = Date.now();
    await Promise.all(connected);
    await until('every charger booted', () => total().booted === o.chargers, 300_000);
    const connectAllMs = Date.now() - connectStart;
    log(`all ${o.chargers} chargers connected and booted in ${connectAllMs} ms`);

    const runMs = o.minutes * 60_000;
    await sleep(runMs * 0.4);
    const beforeDrain = total();
    log(`before drain: ${beforeDrain.meterValuesAcked} MeterValues acked, open per gateway ${JSON.stringify(beforeDrain.perUrl)}`);

    // Commands through the surviving gateway's API while A drains, exits and comes back.
    const commands = { stableOk: 0, stableFailed: 0, movedOk: 0, movedNotYet: 0, failures: [] as string[] };
    let commanding = true;
    const api = async (apiUrl: string, id: string): Promise<number> => {
      const res = await fetch(`${apiUrl}/api/v1/chargers/${id}/commands/ClearCache?timeoutMs=10000`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(20_000) });
      await res.text();
      return res.status;
    };
    const commandLoop = (async () => {
      const moved = [...onA];
      for (let i = 0; commanding; i++) {
        const stable = onB[i % onB.length];
        const status = await api(gwB.apiUrl, stable).catch(() => 0);
        if (status === 200) commands.stableOk++;
        else {
          commands.stableFailed++;
          if (commands.failures.length < 10) commands.failures.push(`${stable}: HTTP ${status}`);
        }
        // A charger of A is in the middle of moving: 404 (not connected) until it is back on B.
        const movedStatus = await api(gwB.apiUrl, moved[i % moved.length]).catch(() => 0);
        if (movedStatus === 200) commands.movedOk++;
        else commands.movedNotYet++;
      }
    })();

    const sigterm = Date.now();
    log(`SIGTERM gateway A (drain window ${o.drainMs} ms)`);
    const exitCodeA = await gwA.stop();
    const drainedMs = Date.now() - sigterm;
    log(`gateway A exited with ${exitCodeA} after ${drainedMs} ms`);
    await until('every charger of A back on a gateway', () => {
      const s = total();
      return s.open === o.chargers && s.reconnected >= onA.size;
    }, 300_000);
    const reconnectAllMs = Date.now() - sigterm;
    const afterDrain = total();
    log(`all chargers open again ${reconnectAllMs} ms after SIGTERM; per gateway ${JSON.stringify(afterDrain.perUrl)}; close codes ${JSON.stringify(afterDrain.closeCodes)}`);
    gwA = await startApp('gateway', { ...gwEnv, GATEWAY_ID: 'soak-a', API_PORT: portA, OCPP_PORT: ocppPortA }, 'gateway-a');
    services.push(gwA);
    log(`gateway A restarted ${Date.now() - sigterm} ms after SIGTERM`);
    commanding = false;
    await commandLoop;

    // Every charger that moved answers a command through either gateway's API.
    let afterOk = 0;
    const afterFailed: string[] = [];
    for (const [i, id] of [...onA].entries()) {
      const status = await api(i % 2 ? gwA.apiUrl : gwB.apiUrl, id).catch(() => 0);
      if (status === 200) afterOk++;
      else afterFailed.push(`${id}: HTTP ${status}`);
    }

    await sleep(Math.max(0, runMs - (Date.now() - connectStart - connectAllMs)));
    for (const w of workers) w.send({ type: 'stop' });
    await until('the fleet workers to finish their calls', () => finals.length === workers.length, 300_000);
    const end = sum(finals.map((f) => f.stats));
    const acked = Object.assign({}, ...finals.map((f) => f.acked)) as Record<string, number>;
    await until('the metering consumer to catch up', () => consumerCaughtUp(nats.url, 'OCPP_EVENTS', 'metering-meter-values'), 600_000);
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
      gateways: 2,
      connectAllMs,
      meterValuesAcked: end.meterValuesAcked,
      heartbeatsAcked: end.heartbeatsAcked,
      messagesAcked: end.meterValuesAcked + end.heartbeatsAcked + o.chargers,
      rowsStored: [...stored.values()].reduce((a, s) => a + s.rows, 0),
      lost,
      doubled,
      extra,
      gatewayAExitCode: exitCodeA,
      drainMs: drainedMs,
      closeCodes: end.closeCodes,
      reconnectAllMs,
      callErrorsRetried: end.callErrors,
      resentAfterClose: end.resentAfterClose,
      commandsDuringRestart: { toStableChargers: { ok: commands.stableOk, failed: commands.stableFailed }, toMovingChargers: { ok: commands.movedOk, notYetBack: commands.movedNotYet } },
      commandsAfterRestart: { ok: afterOk, failed: afterFailed.length },
      totalMs: Date.now() - started,
    };
    console.log(`SOAK SUMMARY ${JSON.stringify(summary)}`);
    const problems = [
      ...(lost ? [`${lost} acknowledged MeterValues missing from the database`] : []),
      ...(doubled ? [`${doubled} readings stored twice`] : []),
      ...(extra ? [`${extra} readings stored that no charger saw acknowledged`] : []),
      ...(exitCodeA !== 0 ? [`gateway A exited with ${exitCodeA} on SIGTERM`] : []),
      ...(!end.closeCodes['1012'] ? ['no socket was closed with 1012 by the draining gateway'] : []),
      ...(commands.stableFailed ? [`${commands.stableFailed} commands failed during the restart: ${commands.failures.join('; ')}`] : []),
      ...(afterFailed.length ? [`${afterFailed.length} commands failed after the restart: ${afterFailed.slice(0, 10).join('; ')}`] : []),
    ];
    for (const p of problems) console.log(`SOAK FAILURE: ${p}`);
    if (problems.length === 0) console.log('SOAK OK: no acknowledged message lost, every charger reconnected, commands kept flowing');
    return problems.length === 0;
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await nats.dispose().catch(() => undefined);
    await db.drop().catch(() => undefined);
  }
}

function sum(list: WorkerStats[]): WorkerStats {
  const s: WorkerStats = { type: 'stats', chargers: 0, open: 0, booted: 0, reconnected: 0, perUrl: {}, meterValuesAcked: 0, heartbeatsAcked: 0, callErrors: 0, resentAfterClose: 0, timeouts: 0, closeCodes: {}, commandsAnswered: 0 };
  for (const w of list) {
    for (const k of ['chargers', 'open', 'booted', 'reconnected', 'meterValuesAcked', 'heartbeatsAcked', 'callErrors', 'resentAfterClose', 'timeouts', 'commandsAnswered'] as const) s[k] += w[k];
    for (const [u, n] of Object.entries(w.perUrl)) s.perUrl[u] = (s.perUrl[u] ?? 0) + n;
    for (const [c, n] of Object.entries(w.closeCodes)) s.closeCodes[c] = (s.closeCodes[c] ?? 0) + n;
  }
  return s;
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
