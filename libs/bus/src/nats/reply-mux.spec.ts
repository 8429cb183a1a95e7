import { jest } from '@jest/globals';
import { ClosedConnectionError, DrainingConnectionError, NoRespondersError, TimeoutError, headers, type Msg } from '@nats-io/nats-core';
import { fakeConnection, noResponders } from '../test-support/fake-reply-connection.js';
import { REPLY_SWEEP_MS, ReplyMux } from './reply-mux.js';

const text = (msg: Msg): string => new TextDecoder().decode(msg.data);

describe('ReplyMux', () => {
  afterEach(() => jest.useRealTimers());

  it('answers each request with what its own reply carried, in whatever order the answers come, under one subscription', async () => {
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc);
    const requests = ['a', 'b', 'c'].map((s) => mux.request(`svc.${s}`, new Uint8Array(), undefined, 2_000, text));
    expect(c.sent.map((s) => s.subject)).toEqual(['svc.a', 'svc.b', 'svc.c']);
    expect(new Set(c.sent.map((s) => s.reply)).size).toBe(3);
    for (const s of c.sent) expect(s.reply.startsWith(c.pattern().slice(0, -1))).toBe(true);
    c.answer(c.sent[2].reply, 'for c');
    c.answer(c.sent[0].reply, 'for a');
    c.answer(c.sent[1].reply, 'for b');
    expect(await Promise.all(requests)).toEqual(['for a', 'for b', 'for c']);
    expect(mux.inFlight).toBe(0);
  });

  it('rejects with what the reader throws, and with NoRespondersError on a 503 status without a body', async () => {
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc);
    const refused = mux.request('svc', new Uint8Array(), undefined, 2_000, (msg, subject) => {
      throw new Error(`${subject} said ${text(msg)}`);
    });
    const nobody = mux.request('nowhere', new Uint8Array(), undefined, 2_000, text);
    c.answer(c.sent[0].reply, 'no');
    c.answer(c.sent[1].reply, '', noResponders());
    await expect(refused).rejects.toThrow('svc said no');
    await expect(nobody).rejects.toBeInstanceOf(NoRespondersError);
  });

  it('times a request out at the first sweep after its deadline, ignores its late answer, and stops sweeping when idle', async () => {
    jest.useFakeTimers();
    let now = 1_000;
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc, () => now);
    const outcome = mux.request('s', new Uint8Array(), undefined, 500, text).catch((e: unknown) => e);
    now += 499;
    jest.advanceTimersByTime(REPLY_SWEEP_MS);
    expect(mux.inFlight).toBe(1);
    now += 1;
    jest.advanceTimersByTime(REPLY_SWEEP_MS);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(mux.inFlight).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(() => c.answer(c.sent[0].reply, 'late')).not.toThrow();
  });

  it('passes on the connection refusing the publish (closed, draining) and keeps nothing waiting', async () => {
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc);
    c.failWith(new DrainingConnectionError());
    await expect(mux.request('s', new Uint8Array(), undefined, 2_000, text)).rejects.toBeInstanceOf(DrainingConnectionError);
    expect(mux.inFlight).toBe(0);
  });

  it('fails what still waits when closed', async () => {
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc);
    const sent = mux.request('s', new Uint8Array(), headers(), 2_000, text);
    mux.close();
    await expect(sent).rejects.toBeInstanceOf(ClosedConnectionError);
    expect(mux.inFlight).toBe(0);
  });
});
