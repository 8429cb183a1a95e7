import { jest } from '@jest/globals';
import { JetStreamApiError } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  TimeoutError,
  headers,
  type Msg,
  type MsgHdrs,
  type PublishOptions,
} from '@nats-io/nats-core';
import { JetStreamPublisher, PUBACK_SWEEP_MS, msgIdHeaders } from './jetstream-publisher.js';

type Callback = (err: Error | null, msg: Msg) => void;

/** A NATS connection that records publishes and lets the test answer on the reply subscription. */
function fakeConnection() {
  const sent: { subject: string; reply: string; headers?: MsgHdrs }[] = [];
  let callback: Callback | undefined;
  let pattern = '';
  let failWith: Error | undefined;
  const nc = {
    publish: (subject: string, _data: Uint8Array | string | undefined, opts?: PublishOptions) => {
      if (failWith) throw failWith;
      sent.push({ subject, reply: opts?.reply ?? '', headers: opts?.headers });
    },
    subscribe: (subject: string, opts?: { callback?: Callback }) => {
      pattern = subject;
      callback = opts?.callback;
      return {} as never;
    },
  };
  const answer = (reply: string, body: string, hdrs?: MsgHdrs): void => {
    const data = new TextEncoder().encode(body);
    callback!(null, { subject: reply, data, headers: hdrs, json: <T>() => JSON.parse(body) as T } as unknown as Msg);
  };
  return { nc, sent, answer, pattern: () => pattern, failWith: (err: Error) => (failWith = err) };
}

function noResponders(): MsgHdrs {
  return { code: 503, hasError: true, status: '503' } as unknown as MsgHdrs;
}

describe('JetStreamPublisher', () => {
  afterEach(() => jest.useRealTimers());

  it('publishes with a reply subject under one subscription and resolves on the PubAck', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    const h = msgIdHeaders('m-1');
    const first = p.publish('ocpp.v16.evt.CP1.MeterValues', new Uint8Array([1]), h, 2_000);
    const second = p.publish('ocpp.v16.evt.CP2.MeterValues', new Uint8Array([2]), undefined, 2_000);
    expect(c.sent.map((s) => s.subject)).toEqual(['ocpp.v16.evt.CP1.MeterValues', 'ocpp.v16.evt.CP2.MeterValues']);
    expect(c.sent[0].headers?.get('Nats-Msg-Id')).toBe('m-1');
    expect(c.sent[1].headers).toBeUndefined();
    expect(new Set(c.sent.map((s) => s.reply)).size).toBe(2);
    for (const s of c.sent) expect(s.reply.startsWith(c.pattern().slice(0, -1))).toBe(true);
    expect(p.inFlight).toBe(2);
    c.answer(c.sent[1].reply, '{"stream":"OCPP_EVENTS","seq":2}');
    c.answer(c.sent[0].reply, '{"stream":"OCPP_EVENTS","seq":1,"duplicate":true}');
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    expect(p.inFlight).toBe(0);
  });

  it('rejects with the API error the stream answered', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    const sent = p.publish('s', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, '{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}}');
    const err = await sent.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect((err as JetStreamApiError).code).toBe(10008);
    expect((err as JetStreamApiError).status).toBe(503);
  });

  it('rejects with NoRespondersError when nothing stores the subject (a 503 status without a body)', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    const sent = p.publish('nowhere', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, '', noResponders());
    await expect(sent).rejects.toBeInstanceOf(NoRespondersError);
  });

  it('rejects an answer that is not a PubAck', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    const notJson = p.publish('s', new Uint8Array(), undefined, 2_000);
    const noStream = p.publish('s', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, 'not json');
    c.answer(c.sent[1].reply, '{"seq":1}');
    await expect(notJson).rejects.toThrow(/not JSON/);
    await expect(noStream).rejects.toThrow(/without a stream/);
  });

  it('times a publish out at the first sweep after its deadline, ignores its late PubAck, and stops sweeping when idle', async () => {
    jest.useFakeTimers();
    let now = 1_000;
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc, () => now);
    const sent = p.publish('s', new Uint8Array(), undefined, 500);
    const outcome = sent.catch((e: unknown) => e);
    now += 499;
    jest.advanceTimersByTime(PUBACK_SWEEP_MS);
    expect(p.inFlight).toBe(1);
    now += 1;
    jest.advanceTimersByTime(PUBACK_SWEEP_MS);
    expect(await outcome).toBeInstanceOf(TimeoutError);
    expect(p.inFlight).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(() => c.answer(c.sent[0].reply, '{"stream":"OCPP_EVENTS","seq":1}')).not.toThrow();
  });

  it('passes on the connection refusing the publish (closed, draining) and keeps nothing waiting', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    c.failWith(new DrainingConnectionError());
    await expect(p.publish('s', new Uint8Array(), undefined, 2_000)).rejects.toBeInstanceOf(DrainingConnectionError);
    expect(p.inFlight).toBe(0);
  });

  it('fails what still waits when closed', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(c.nc);
    const sent = p.publish('s', new Uint8Array(), headers(), 2_000);
    p.close();
    await expect(sent).rejects.toBeInstanceOf(ClosedConnectionError);
    expect(p.inFlight).toBe(0);
  });
});
