/**
 * The load client, run as its own process (fork) so the measured server never shares its event loop.
 * Cheap per socket: raw `ws`, hand-rolled OCPP-J frames, one outstanding CALL per socket (OCPP-J §4.1.1).
 * Driven over IPC by bench/run.ts: { reqId, cmd, ... } -> { reqId, ok, result | error }.
 */
import WebSocket from 'ws';
import { bootPayload, meterValuesPayload } from './lib/ocpp-frames.js';
import { ChargerKeys } from './lib/charger-keys.js';
import { summarize } from './lib/stats.js';

interface Charger {
  id: string;
  /** The server URL it connected to (one gateway of several in the scale-out run). */
  server: string;
  ws: WebSocket;
  msgSeq: number;
  mvSeq: number;
  /** The one outstanding CALL: its id, send time and continuation. */
  pendingId: string | null;
  sentAt: number;
  onReply: ((ok: boolean, rtMs: number) => void) | null;
  /** What ChangeConfiguration set: a charger keeps it across reconnects, so a reconnect finds nothing to change. */
  keys: ChargerKeys;
  /** Why the last CALL was not answered with a CALLRESULT (a CALLERROR's code and text, or the socket's close). */
  lastFailure?: string;
}

const groups = new Map<string, Charger[]>();
/** Each charger's configuration outlives its connections (a reconnect is the same charger). */
const keysById = new Map<string, ChargerKeys>();
function keysOf(id: string): ChargerKeys {
  let k = keysById.get(id);
  if (!k) keysById.set(id, (k = new ChargerKeys()));
  return k;
}
const MV_BASE_MS = Date.UTC(2030, 0, 1);
let callErrors = 0;

function send(c: Charger, action: string, payload: unknown, onReply: (ok: boolean, rtMs: number) => void): boolean {
  if (c.pendingId !== null || c.ws.readyState !== WebSocket.OPEN) return false;
  const id = String(++c.msgSeq);
  c.pendingId = id;
  c.onReply = onReply;
  c.sentAt = performance.now();
  c.ws.send(`[2,"${id}","${action}",${JSON.stringify(payload)}]`);
  return true;
}

function onMessage(c: Charger, data: WebSocket.RawData): void {
  const s = data.toString();
  const type = s.charCodeAt(1) - 48; // '[2,' / '[3,' / '[4,' — servers here serialise without spaces
  if (type === 3 || type === 4) {
    const q1 = s.indexOf('"');
    const id = s.slice(q1 + 1, s.indexOf('"', q1 + 1));
    if (id !== c.pendingId) return;
    const cb = c.onReply;
    const rt = performance.now() - c.sentAt;
    c.pendingId = null;
    c.onReply = null;
    if (type === 4) {
      callErrors++;
      c.lastFailure = s.slice(0, 200);
    }
    cb?.(type === 3, rt);
  } else if (type === 2) {
    // A CSMS command: answer it as a charger would.
    const [, id, action, payload] = JSON.parse(s) as [number, string, string, unknown];
    c.ws.send(JSON.stringify([3, id, c.keys.answer(action, payload)]));
  } else {
    // Not the compact form: parse properly.
    const frame = JSON.parse(s) as unknown[];
    if (Array.isArray(frame) && (frame[0] === 3 || frame[0] === 4) && frame[1] === c.pendingId) {
      const cb = c.onReply;
      const rt = performance.now() - c.sentAt;
      c.pendingId = null;
      c.onReply = null;
      if (frame[0] === 4) {
        callErrors++;
        c.lastFailure = s.slice(0, 200);
      }
      cb?.(frame[0] === 3, rt);
    } else if (Array.isArray(frame) && frame[0] === 2) {
      c.ws.send(JSON.stringify([3, frame[1], c.keys.answer(String(frame[2]), frame[3])]));
    }
  }
}

/** The Basic Auth password of a bench charger (security profile 1): per charger, stable across reconnects. */
const passwordOf = (id: string): string => `bench-password-${id}`;

function open(url: string, id: string, localAddress: string | undefined, basicAuth: boolean, password = passwordOf(id)): Promise<Charger> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/${encodeURIComponent(id)}`, 'ocpp1.6', {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: 30_000,
      localAddress,
      headers: basicAuth ? { authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` } : undefined,
    });
    const c: Charger = { id, server: url, ws, msgSeq: 0, mvSeq: 0, pendingId: null, sentAt: 0, onReply: null, keys: keysOf(id) };
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.on('error', () => undefined);
      resolve(c);
    });
    ws.once('error', (err) => reject(err));
    ws.on('message', (d) => onMessage(c, d));
    ws.on('close', (code) => {
      const cb = c.onReply;
      if (cb) c.lastFailure = `socket closed (${code}) before the answer`;
      c.pendingId = null;
      c.onReply = null;
      cb?.(false, 0);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ConnectJob {
  group: string;
  url: string;
  prefix: string;
  from: number;
  count: number;
  boot: boolean;
  /** Spread the connects evenly over this window (a storm); 0 = as fast as `concurrency` allows. */
  spreadMs: number;
  concurrency: number;
  localAddrs: number;
  /** Connect with Basic Auth (security profile 1), as a Zaptec fleet does. */
  basicAuth?: boolean;
  /** Basic Auth passwords by charger id (ones the CSMS generated at registration); others use passwordOf. */
  passwords?: Record<string, string>;
}

async function connect(job: ConnectJob): Promise<unknown> {
  const list = groups.get(job.group) ?? [];
  groups.set(job.group, list);
  const bootLat: number[] = [];
  const errors = new Map<string, number>();
  let failed = 0;
  let retries = 0;
  const t0 = performance.now();
  const one = async (i: number): Promise<void> => {
    const id = `${job.prefix}${String(job.from + i).padStart(6, '0')}`;
    const localAddress = job.localAddrs > 1 ? `127.0.0.${1 + (i % job.localAddrs)}` : undefined;
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        const c = await open(job.url, id, localAddress, job.basicAuth === true, job.passwords?.[id]);
        if (job.boot) {
          const ok = await new Promise<boolean>((res) => send(c, 'BootNotification', bootPayload(id), (ok2, rt) => (ok2 && bootLat.push(rt), res(ok2))));
          if (!ok) throw new Error(`BootNotification not answered: ${c.lastFailure ?? 'no answer'}`);
        }
        list.push(c);
        return;
      } catch (err) {
        const key = err instanceof Error ? err.message.slice(0, 160) : String(err);
        errors.set(key, (errors.get(key) ?? 0) + 1);
        retries++;
        await sleep(500 + Math.random() * 500); // as a charger would back off
      }
    }
    failed++;
  };
  if (job.spreadMs > 0) {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < job.count; i++) {
      const due = t0 + (i * job.spreadMs) / job.count;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      pending.push(one(i));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < job.count) await one(next++);
    };
    await Promise.all(Array.from({ length: Math.min(job.concurrency, job.count) }, worker));
  }
  return {
    connected: job.count - failed,
    failed,
    retries,
    elapsedMs: performance.now() - t0,
    boot: summarize(bootLat),
    errors: Object.fromEntries(errors),
  };
}

interface LoadJob {
  group: string;
  action: 'Heartbeat' | 'MeterValues';
  warmupMs: number;
  durationMs: number;
}

/** Closed loop: every socket sends its next CALL as soon as the previous one is answered. */
async function load(job: LoadJob): Promise<unknown> {
  const list = groups.get(job.group) ?? [];
  let counting = false;
  let stop = false;
  let count = 0;
  let totalOk = 0;
  let failed = 0;
  const lat: number[] = [];
  const errBefore = callErrors;
  const loop = (c: Charger): void => {
    if (stop) return;
    const payload = job.action === 'MeterValues' ? meterValuesPayload(c.mvSeq++, MV_BASE_MS) : {};
    send(c, job.action, payload, (ok, rt) => {
      if (ok) totalOk++;
      if (counting) {
        if (ok) {
          count++;
          lat.push(rt);
        } else failed++;
      }
      if (ok) loop(c);
    });
  };
  for (const c of list) loop(c);
  await sleep(job.warmupMs);
  counting = true;
  const t0 = performance.now();
  await sleep(job.durationMs);
  counting = false;
  const elapsed = performance.now() - t0;
  stop = true;
  // Let the outstanding CALLs finish so the next benchmark starts from idle sockets.
  const until = Date.now() + 30_000;
  while (list.some((c) => c.pendingId !== null) && Date.now() < until) await sleep(20);
  return {
    roundTrips: count,
    totalOk,
    failed,
    callErrors: callErrors - errBefore,
    elapsedMs: elapsed,
    perSecond: (count * 1000) / elapsed,
    latency: summarize(lat),
    sockets: list.length,
  };
}

/** Open loop: `ratePerSec` MeterValues spread over the group's sockets (skips a socket still busy). */
let background: { stop: () => Promise<unknown> } | undefined;
/**
 * The chargers taken in turn from each server's: a group's list is in the order the connects finished, often one
 * gateway's chargers after the other's, and a short window walking it in that order reached only one gateway.
 */
function roundRobinByServer(list: Charger[]): Charger[] {
  const byServer = new Map<string, Charger[]>();
  for (const c of list) {
    const q = byServer.get(c.server);
    if (q) q.push(c);
    else byServer.set(c.server, [c]);
  }
  const queues = [...byServer.values()];
  const out: Charger[] = [];
  for (let i = 0; out.length < list.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]);
  return out;
}

function startBackground(job: { group: string; ratePerSec: number }): unknown {
  const list = roundRobinByServer(groups.get(job.group) ?? []);
  let sent = 0;
  let answered = 0;
  let skipped = 0;
  let idx = 0;
  const tickMs = 20;
  let carry = 0;
  const timer = setInterval(() => {
    carry += (job.ratePerSec * tickMs) / 1000;
    for (; carry >= 1; carry--) {
      const c = list[idx++ % list.length];
      if (send(c, 'MeterValues', meterValuesPayload(c.mvSeq++, MV_BASE_MS), (ok) => ok && answered++)) sent++;
      else skipped++;
    }
  }, tickMs);
  background = {
    stop: async () => {
      clearInterval(timer);
      await sleep(500);
      return { sent, answered, skipped };
    },
  };
  return { started: true };
}

interface CommandsJob {
  urls: string[];
  body: unknown;
  ratePerSec: number;
  durationMs: number;
  /** Also return every successful latency, so several runs can be merged into one percentile. */
  samples?: boolean;
}

/** Open loop HTTP commands at a fixed rate; latency from request to response. */
async function commands(job: CommandsJob): Promise<unknown> {
  const lat: number[] = [];
  const statuses: Record<string, number> = {};
  const inflight: Promise<void>[] = [];
  const total = Math.round((job.ratePerSec * job.durationMs) / 1000);
  const body = JSON.stringify(job.body);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / job.ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const url = job.urls[i % job.urls.length];
    const start = performance.now();
    inflight.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (res) => {
          await res.arrayBuffer();
          const ms = performance.now() - start;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 200) lat.push(ms);
        })
        .catch((err: unknown) => {
          const k = `error:${err instanceof Error ? err.message : String(err)}`;
          statuses[k] = (statuses[k] ?? 0) + 1;
        }),
    );
  }
  await Promise.all(inflight);
  return { sent: total, elapsedMs: performance.now() - t0, statuses, latency: summarize(lat), ...(job.samples ? { samples: lat } : {}) };
}

async function close(job: { group: string }): Promise<unknown> {
  const list = groups.get(job.group) ?? [];
  groups.delete(job.group);
  await Promise.all(
    list.map(
      (c) =>
        new Promise<void>((res) => {
          if (c.ws.readyState === WebSocket.CLOSED) return res();
          const t = setTimeout(() => (c.ws.terminate(), res()), 5_000);
          c.ws.once('close', () => (clearTimeout(t), res()));
          c.ws.close(1000);
        }),
    ),
  );
  return { closed: list.length };
}

const handlers: Record<string, (msg: never) => Promise<unknown> | unknown> = {
  connect,
  load,
  startBackground,
  stopBackground: async () => (background ? background.stop() : {}),
  commands,
  close,
  memory: () => process.memoryUsage(),
};

process.on('message', (msg: { reqId: number; cmd: string }) => {
  const h = handlers[msg.cmd];
  Promise.resolve()
    .then(() => (h ? h(msg as never) : Promise.reject(new Error(`unknown command ${msg.cmd}`))))
    .then(
      (result) => process.send?.({ reqId: msg.reqId, ok: true, result }),
      (err: unknown) => process.send?.({ reqId: msg.reqId, ok: false, error: err instanceof Error ? err.stack : String(err) }),
    );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
