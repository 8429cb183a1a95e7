/**
 * `npm run chaos` (docs/reference/design-decisions.md#deployment): the faults that once hurt a whole fleet, run one
 * after another at fleet size
 * on this machine, against the services as operators deploy them: a three-node NATS JetStream cluster, a
 * PostgreSQL server of its own (so it can be crashed), auth, config-manager, metering and two gateways as
 * separate processes, and thousands of raw-ws chargers sending MeterValues from forked fleet workers.
 * Probe commands (DataTransfer with a unique `data`) go through the gateways' APIs the whole time.
 *
 * Faults: a gateway SIGKILLed (its chargers reconnect to the other), metering SIGKILLed, a NATS node
 * SIGKILLed, PostgreSQL crashed (immediate stop) and started again, poison frames mixed into the traffic,
 * chargers opening overlapping sockets across both gateways. After each: the time until every charger is
 * connected again and storage has caught up.
 *
 * At the end: acknowledged vs stored vs duplicated readings, commands sent vs executed (never twice; a 200
 * exactly once; a 404 never), poison frames refused with the right CALLERROR. Exit code 1 on any of
 * those; 2 when the run itself could not be carried out.
 *
 *   npm run chaos -- [--chargers 5000] [--meter-interval-ms 15000] [--commands-per-s 5] [--overlap 50] [--nats-nodes 3]
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startNatsCluster, startPostgresInstance, type NatsClusterHandle } from '#csms/testing';
import { LEAP_SECOND_STATUS, POISON_FRAMES } from '../../test/support/poison-frames.js';
import { startFleet, type Fleet } from '../soak/fleet.js';
import { consumerLag, rowsPerCharger, startApp, type AppName, type Service } from '../soak/services.js';
import { addExecutions, judgeCommands, ledgerProblems, type ProbeOutcome } from './command-ledger.js';
import { overlapGroup } from './overlapping-sockets.js';

export interface ChaosOptions {
  chargers: number;
  workers: number;
  meterIntervalMs: number;
  heartbeatIntervalMs: number;
  commandsPerSecond: number;
  overlap: number;
  natsNodes: number;
}

export function parseChaosArgs(argv: string[]): ChaosOptions {
  const get = (name: string, fallback: number, min = 1): number => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(v) || v < min) throw new Error(`--${name} must be a number >= ${min}`);
    return v;
  };
  const chargers = Math.floor(get('chargers', 5_000));
  return {
    chargers,
    workers: Math.floor(get('workers', Math.min(4, Math.max(1, Math.ceil(chargers / 1_000))))),
    meterIntervalMs: get('meter-interval-ms', 15_000),
    heartbeatIntervalMs: get('heartbeat-interval-ms', 60_000),
    commandsPerSecond: get('commands-per-s', 5),
    overlap: Math.floor(get('overlap', 50, 0)),
    natsNodes: Math.floor(get('nats-nodes', 3)),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface FaultRecord {
  fault: string;
  /** Fault injected until every charger connected again and acknowledged readings flowing. */
  chargersBackMs: number;
  /** Fault injected until metering's consumer lag was back under the threshold. */
  storageCaughtUpMs: number;
}

export async function runChaos(o: ChaosOptions): Promise<boolean> {
  const started = Date.now();
  const adminToken = randomBytes(24).toString('hex');
  log(`starting: ${o.natsNodes}-node NATS cluster, own PostgreSQL, 5 services, ${o.chargers} chargers in ${o.workers} workers`);
  const nats = await startNatsCluster(o.natsNodes);
  const pg = await startPostgresInstance();
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: pg.url,
    UNKNOWN_CHARGERS: 'accept',
    NATS_STREAM_REPLICAS: String(Math.min(3, o.natsNodes)),
    API_AUTH: 'token',
    API_ADMIN_TOKEN: adminToken,
  };
  const services = new Map<string, Service>();
  let fleet: Fleet | undefined;
  let group: ReturnType<typeof overlapGroup> | undefined;
  const start = async (app: AppName, label: string, extra: Record<string, string> = {}): Promise<Service> => {
    const s = await startApp(app, { ...env, ...extra }, label);
    services.set(label, s);
    return s;
  };
  try {
    for (const app of ['auth', 'config-manager', 'metering'] as const) await start(app, app);
    const gateways = [await start('gateway', 'gateway-a', { GATEWAY_ID: 'chaos-a' }), await start('gateway', 'gateway-b', { GATEWAY_ID: 'chaos-b' })];
    const gatewayUrls = gateways.map((g) => g.ocppUrl);
    const apiUrls = (): string[] => ['gateway-a', 'gateway-b'].flatMap((n) => (services.get(n)?.child.exitCode === null ? [services.get(n)!.apiUrl] : []));

    const ids = Array.from({ length: o.chargers }, (_, i) => `CHAOS${String(i + 1).padStart(6, '0')}`);
    const f = (fleet = startFleet({
      ids,
      urlsOf: (i) => gatewayUrls.map((_, k) => gatewayUrls[(i + k) % gatewayUrls.length]),
      workers: o.workers,
      meterIntervalMs: o.meterIntervalMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      base: Date.parse('2026-01-01T00:00:00.000Z'),
    }));
    const until = (what: string, probe: () => boolean | Promise<boolean>, limitMs = 600_000): Promise<void> => f.until(what, probe, limitMs);
    const t0 = Date.now();
    await f.connected;
    await until('every charger booted', () => f.total().booted === o.chargers);
    log(`all ${o.chargers} chargers booted in ${Date.now() - t0} ms`);

    // Probe commands the whole time, through either gateway's API, to random chargers.
    const outcomes: ProbeOutcome[] = [];
    let probing = true;
    let seq = 0;
    let phase = 'steady';
    const probe = async (chargerId: string): Promise<void> => {
      const id = `chaos-${++seq}`;
      const urls = apiUrls();
      const via = urls[seq % Math.max(1, urls.length)];
      let status: number;
      try {
        const res = await fetch(`${via}/api/v1/chargers/${chargerId}/commands/DataTransfer?timeoutMs=10000`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
          body: JSON.stringify({ vendorId: 'chaos', messageId: 'probe', data: id }),
          signal: AbortSignal.timeout(30_000),
        });
        await res.text();
        status = res.status;
      } catch {
        status = 0;
      }
      outcomes.push({ id, chargerId, status, phase });
    };
    const inFlight = new Set<Promise<void>>();
    const prober = (async () => {
      while (probing) {
        const p = probe(ids[Math.floor(Math.random() * ids.length)]).finally(() => inFlight.delete(p));
        inFlight.add(p);
        await sleep(1_000 / o.commandsPerSecond);
      }
    })();

    const ratePerS = o.chargers / (o.meterIntervalMs / 1_000);
    const lagThreshold = Math.max(100, Math.ceil(ratePerS * 3));
    const lag = async (): Promise<number> => consumerLag(runningNode(nats), 'OCPP_EVENTS', 'metering-meter-values').catch(() => Number.POSITIVE_INFINITY);
    const faults: FaultRecord[] = [];
    const fault = async (name: string, inject: () => Promise<void>, heal: () => Promise<void>): Promise<void> => {
      const injected = Date.now();
      phase = name;
      log(`fault: ${name}`);
      await inject();
      const ackedAtFault = f.total().meterValuesAcked;
      await until(`${name}: every charger connected again and readings acknowledged`, () => {
        const t = f.total();
        return t.open === o.chargers && t.meterValuesAcked > ackedAtFault + o.chargers / 10;
      });
      const chargersBackMs = Date.now() - injected;
      await heal();
      await until(`${name}: metering's consumer lag under ${lagThreshold}`, async () => (await lag()) < lagThreshold);
      const storageCaughtUpMs = Date.now() - injected;
      faults.push({ fault: name, chargersBackMs, storageCaughtUpMs });
      log(`${name}: chargers back after ${chargersBackMs} ms, storage caught up after ${storageCaughtUpMs} ms`);
      phase = 'steady';
      await sleep(5_000);
    };
    const restart = async (label: string, app: AppName, extra: Record<string, string> = {}): Promise<void> => {
      const old = services.get(label)!;
      const ports = { API_PORT: new URL(old.apiUrl).port, OCPP_PORT: new URL(old.ocppUrl).port };
      await start(app, label, { ...extra, ...ports });
    };

    await sleep(10_000);
    await fault(
      'gateway A SIGKILL',
      () => services.get('gateway-a')!.kill(),
      () => restart('gateway-a', 'gateway', { GATEWAY_ID: 'chaos-a' }),
    );
    await fault(
      'metering SIGKILL',
      async () => {
        await services.get('metering')!.kill();
        await sleep(3_000);
        await restart('metering', 'metering');
      },
      async () => undefined,
    );
    const victim = nats.nodes[nats.nodes.length - 1];
    await fault(
      `NATS node ${victim.name} SIGKILL`,
      async () => {
        await victim.kill();
        await sleep(10_000);
      },
      async () => {
        await victim.start();
        await nats.waitJetStream();
      },
    );
    await fault(
      'PostgreSQL crash (immediate stop, 10 s down)',
      async () => {
        await pg.stop('immediate');
        await sleep(10_000);
        await pg.start();
      },
      async () => undefined,
    );

    // Poison frames mixed into the traffic: each refused with its CALLERROR, the socket kept.
    const poisonProblems = await sendPoison(gatewayUrls[0]);
    log(
      `poison frames: ${poisonProblems.length ? poisonProblems.join('; ') : `${POISON_FRAMES.length} refused with their CALLERROR, the leap second accepted`}`,
    );

    // Overlapping sockets for one identity across both gateways, three rounds; a probe to each after each.
    if (o.overlap > 0) {
      phase = 'overlapping sockets';
      group = overlapGroup(
        Array.from({ length: o.overlap }, (_, i) => `CHAOSOVL${String(i + 1).padStart(4, '0')}`),
        gatewayUrls,
      );
      for (let r = 0; r < 3; r++) {
        const { opened, refused } = await group.round(3);
        await sleep(2_000);
        log(`overlap round ${r + 1}: ${opened} sockets opened, ${refused} refused/closed at once, ${group.openSockets()} open for ${o.overlap} identities`);
        await Promise.all(group.ids.map((id) => probe(id)));
      }
    }

    probing = false;
    await prober;
    await Promise.all(inFlight);
    await sleep(3_000);
    const result = await f.stop();
    const executed = addExecutions({ ...result.executed }, group?.executed ?? {});
    await group?.close();
    await until('metering to store everything acknowledged', async () => (await lag()) === 0);
    const stored = await rowsPerCharger(pg.url, 'CHAOS0');
    let lost = 0;
    let duplicated = 0;
    let extra = 0;
    for (const id of ids) {
      const s = stored.get(id) ?? { rows: 0, distinct: 0 };
      lost += Math.max(0, result.acked[id] - s.distinct);
      extra += Math.max(0, s.distinct - result.acked[id]);
      duplicated += s.rows - s.distinct;
    }
    const commands = judgeCommands(outcomes, executed);
    const summary = {
      chargers: o.chargers,
      gateways: 2,
      natsNodes: o.natsNodes,
      meterValues: { acknowledged: result.stats.meterValuesAcked, stored: [...stored.values()].reduce((a, s) => a + s.rows, 0), lost, duplicated, extra },
      commands: {
        sent: commands.sent,
        executed: commands.executed,
        byStatus: commands.byStatus,
        failuresByPhase: commands.failuresByPhase,
        executedTwice: commands.executedTwice.length,
        okNotExecuted: commands.okNotExecuted.length,
        notConnectedButExecuted: commands.notConnectedButExecuted.length,
      },
      faults,
      poison: { frames: POISON_FRAMES.length, problems: poisonProblems },
      closeCodes: result.stats.closeCodes,
      callErrorsRetried: result.stats.callErrors,
      totalMs: Date.now() - started,
    };
    console.log(`CHAOS SUMMARY ${JSON.stringify(summary)}`);
    const problems = [
      ...(lost ? [`${lost} acknowledged readings missing from the database`] : []),
      ...(duplicated ? [`${duplicated} readings stored twice`] : []),
      ...(extra ? [`${extra} readings stored that no charger saw acknowledged`] : []),
      ...ledgerProblems(commands),
      ...poisonProblems,
    ];
    for (const p of problems) console.log(`CHAOS FAILURE: ${p}`);
    if (!problems.length) console.log('CHAOS OK: 0 lost, 0 duplicated, no command executed twice, every poison frame refused');
    return problems.length === 0;
  } finally {
    fleet?.kill();
    await group?.close().catch(() => undefined);
    for (const s of [...services.values()].reverse()) await s.kill().catch(() => undefined);
    await nats.dispose().catch(() => undefined);
    await pg.dispose().catch(() => undefined);
  }
}

function runningNode(nats: NatsClusterHandle): string {
  return (nats.nodes.find((n) => n.running()) ?? nats.nodes[0]).url;
}

/** Every poison frame on one socket, then a good reading on it: problems found (wrong answers). */
async function sendPoison(gatewayUrl: string): Promise<string[]> {
  const ws = new WebSocket(`${gatewayUrl}/CHAOSPOISON1`, ['ocpp1.6']);
  const answers = new Map<string, unknown[]>();
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as unknown[];
    if (frame[0] === 3 || frame[0] === 4) answers.set(String(frame[1]), frame);
    else if (frame[0] === 2) ws.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
  });
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  const call = async (id: string, action: string, payload: unknown): Promise<unknown[] | undefined> => {
    ws.send(JSON.stringify([2, id, action, payload]));
    const end = Date.now() + 30_000;
    while (!answers.has(id) && Date.now() < end && ws.readyState === WebSocket.OPEN) await sleep(20);
    return answers.get(id);
  };
  const problems: string[] = [];
  await call('boot', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' });
  for (const [i, p] of POISON_FRAMES.entries()) {
    const answer = await call(`poison-${i}`, p.action, p.payload);
    if (answer?.[0] !== 4 || answer[2] !== p.code) problems.push(`${p.what}: answered ${JSON.stringify(answer ?? 'nothing')}, expected CALLERROR ${p.code}`);
  }
  const leap = await call('leap', 'StatusNotification', LEAP_SECOND_STATUS);
  if (leap?.[0] !== 3) problems.push(`leap-second StatusNotification: answered ${JSON.stringify(leap ?? 'nothing')}, expected CALLRESULT`);
  if (ws.readyState !== WebSocket.OPEN) problems.push('the socket that sent poison frames was closed');
  ws.close();
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let options: ChaosOptions;
  try {
    options = parseChaosArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    process.exit(2);
  }
  runChaos(options).then(
    (ok) => process.exit(ok ? 0 : 1),
    (err: unknown) => {
      console.error(`CHAOS ERROR: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(2);
    },
  );
}
