/**
 * A raw charger over a plain `ws` socket, for tests that need exact control of every frame (malformed
 * ones included): sends text, collects every frame it receives.
 */
import { WebSocket } from 'ws';

export type Frame = unknown[];

export interface RawCharger {
  ws: WebSocket;
  frames: Frame[];
  next(predicate: (f: Frame) => boolean, limitMs?: number): Promise<Frame>;
  /** The CALLRESULT or CALLERROR answering our CALL `id`. */
  reply(id: string): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  send(v: unknown): void;
}

export async function connectRawCharger(ocppUrl: string, identity: string, protocols: string[] = ['ocpp1.6']): Promise<RawCharger> {
  const ws = new WebSocket(`${ocppUrl}/ocpp/${encodeURIComponent(identity)}`, protocols);
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    // The CSMS reconciles configuration on every connect (GetConfiguration, ChangeConfiguration): this
    // charger answers those at once, as a charger with no configurable keys would, and keeps them out of
    // `frames` so each test sees only what it is about.
    if (frame[0] === 2 && frame[2] === 'GetConfiguration')
      return ws.send(JSON.stringify([3, frame[1], { configurationKey: [], unknownKey: (frame[3] as { key?: string[] }).key ?? [] }]));
    if (frame[0] === 2 && frame[2] === 'ChangeConfiguration') return ws.send(JSON.stringify([3, frame[1], { status: 'NotSupported' }]));
    frames.push(frame);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
  await new Promise<void>((res, rej) => {
    ws.once('open', () => res());
    ws.once('error', rej);
  });
  const next = async (predicate: (f: Frame) => boolean, limitMs = 10_000): Promise<Frame> => {
    const until = Date.now() + limitMs;
    for (;;) {
      const found = frames.find(predicate);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
      await new Promise<void>((res) => {
        waiters.push(res);
        setTimeout(res, 100);
      });
    }
  };
  const reply = (id: string): Promise<Frame> => next((f) => (f[0] === 3 || f[0] === 4) && f[1] === id);
  return { ws, frames, next, reply, closed, send: (v: unknown) => ws.send(typeof v === 'string' ? v : JSON.stringify(v)) };
}
