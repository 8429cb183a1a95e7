/**
 * 7. cold Basic Auth storm: N registered Basic Auth chargers reconnect within the storm window right after the
 *    CSMS restarted (every cache of verified passwords empty), beside a bare ws server taking the same storm
 *    without authentication. Ours once with passwords the CSMS generated (HMAC-SHA-256 to check) and once, at a
 *    smaller size, with passwords the operator chose (scrypt to check): docs/api-auth.md#charger-credentials.
 */
import type { BenchOptions, BenchResult, ConnectResult, Row } from '../lib/context.js';
import { sleep, startBaseline, startLoadClient, type Worker } from '../lib/procs.js';
import { ratio, round } from '../lib/stats.js';
import { startAllInOne } from '../lib/system.js';

/** Scrypt costs ~30 ms of CPU per registration and per check: the chosen-password run stays this small. */
const CHOSEN_MAX = 2_000;

interface StormFigures {
  chargers: number;
  registerS: number;
  allBootedS: number;
  bootP99Ms: number;
  retries: number;
  failed: number;
}

const idOf = (prefix: string, i: number): string => `${prefix}${String(i).padStart(6, '0')}`;

/**
 * POST /api/v1/chargers for each (profile 1); the generated passwords come back once. Chosen ones 4 at a time:
 * each costs a scrypt hash on libuv's 4 threads, and more at once only time out.
 */
async function register(apiUrl: string, prefix: string, n: number, chosen: boolean): Promise<Record<string, string>> {
  const passwords: Record<string, string> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const id = idOf(prefix, next++);
      const body = chosen ? { id, securityProfile: 1, password: `bench-password-${id}` } : { id, securityProfile: 1 };
      const res = await fetch(`${apiUrl}/api/v1/chargers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`registering ${id}: HTTP ${res.status} ${await res.text()}`);
      const reply = (await res.json()) as { generatedPassword?: string };
      passwords[id] = reply.generatedPassword ?? body.password!;
    }
  };
  await Promise.all(Array.from({ length: chosen ? 4 : 50 }, worker));
  return passwords;
}

async function ours(o: BenchOptions, n: number, chosen: boolean): Promise<StormFigures> {
  const sys = await startAllInOne({ durable: true, env: { UNKNOWN_CHARGERS: 'reject' } });
  const lc = await startLoadClient();
  try {
    const prefix = chosen ? 'AST-C-' : 'AST-G-';
    const t0 = performance.now();
    const passwords = await register(sys.apiUrl, prefix, n, chosen);
    const registerS = (performance.now() - t0) / 1000;
    const job = { group: 'a', url: sys.wsUrl, prefix, from: 0, count: n, boot: true, concurrency: 100, localAddrs: o.localAddrs, basicAuth: true, passwords };
    await lc.call<ConnectResult>('connect', { ...job, spreadMs: 0 }); // first life: booted once, known everywhere
    await lc.call('close', { group: 'a' });
    await sys.restart();
    await sleep(2_000);
    const r = await lc.call<ConnectResult>('connect', { ...job, spreadMs: o.stormWindowS * 1000 });
    console.log(
      `    ours (${chosen ? 'chosen passwords, scrypt' : 'generated passwords, HMAC'}): registered ${n} in ${registerS.toFixed(1)} s; after a restart ${r.connected}/${n} booted in ${(r.elapsedMs / 1000).toFixed(1)} s (boot p99 ${r.boot.p99} ms, ${r.retries} retries)`,
    );
    return { chargers: n, registerS, allBootedS: r.elapsedMs / 1000, bootP99Ms: r.boot.p99, retries: r.retries, failed: r.failed };
  } finally {
    await lc.stop();
    await sys.stop();
  }
}

async function bare(o: BenchOptions, n: number): Promise<StormFigures> {
  const b = await startBaseline('bare');
  const lc: Worker = await startLoadClient();
  try {
    const job = { group: 'a', url: b.url, prefix: 'AST-B-', from: 0, count: n, boot: true, concurrency: 100, localAddrs: o.localAddrs };
    await lc.call<ConnectResult>('connect', { ...job, spreadMs: 0 });
    await lc.call('close', { group: 'a' });
    await sleep(2_000);
    const r = await lc.call<ConnectResult>('connect', { ...job, spreadMs: o.stormWindowS * 1000 });
    console.log(`    bare ws: ${r.connected}/${n} booted in ${(r.elapsedMs / 1000).toFixed(1)} s (boot p99 ${r.boot.p99} ms)`);
    return { chargers: n, registerS: 0, allBootedS: r.elapsedMs / 1000, bootP99Ms: r.boot.p99, retries: r.retries, failed: r.failed };
  } finally {
    await lc.stop();
    await b.worker.stop();
  }
}

export async function authStorm(o: BenchOptions): Promise<BenchResult> {
  const n = o.stormChargers;
  const small = Math.min(n, CHOSEN_MAX);
  // Registering chosen passwords costs one scrypt each (about 7 minutes for 2,000 here): only when asked for by name.
  const withChosen = o.only?.has('auth-storm') === true;
  const generated = await ours(o, n, false);
  const chosen = withChosen ? await ours(o, small, true) : null;
  const baseline = await bare(o, n);
  const base = { bench: 'cold Basic Auth storm', baselineName: 'bare ws, same storm, no authentication', better: 'lower' as const };
  const rows: Row[] = [
    {
      ...base,
      figure: `generated passwords: time until all ${n} booted after a restart (window ${o.stormWindowS} s)`,
      unit: 's',
      ours: round(generated.allBootedS),
      baseline: round(baseline.allBootedS),
      ratio: ratio(generated.allBootedS, baseline.allBootedS),
      note: `${generated.retries} connect retries, ${generated.failed} failed`,
    },
    {
      ...base,
      figure: 'generated passwords: BootNotification p99',
      unit: 'ms',
      ours: generated.bootP99Ms,
      baseline: baseline.bootP99Ms,
      ratio: ratio(generated.bootP99Ms, baseline.bootP99Ms),
    },
  ];
  if (chosen)
    rows.push({
      ...base,
      figure: `chosen passwords (scrypt): time until all ${small} booted after a restart`,
      unit: 's',
      ours: round(chosen.allBootedS),
      baseline: round(baseline.allBootedS),
      ratio: ratio(chosen.allBootedS, baseline.allBootedS),
      note: `${chosen.retries} connect retries, ${chosen.failed} failed; baseline is the ${n}-charger bare storm`,
    });
  return {
    rows,
    details: { generated, chosen, baseline },
    notes: [
      `Ours: all-in-one on NATS + PostgreSQL, UNKNOWN_CHARGERS=reject. Chargers registered through POST /api/v1/chargers (security profile 1), booted once, disconnected; the all-in-one restarted (its caches of verified passwords empty); then all reconnect with Basic Auth spread over ${o.stormWindowS} s, each sending BootNotification. Failed connects retry after 0.5-1 s.`,
      `Generated passwords are checked with HMAC-SHA-256, chosen ones with scrypt (N=2^14), docs/api-auth.md#charger-credentials. ${withChosen ? `The chosen run is capped at ${CHOSEN_MAX} chargers: scrypt makes its registration and its storm CPU-bound.` : 'The chosen-password (scrypt) run only runs with --only auth-storm: its registration alone takes minutes.'}`,
    ],
  };
}
