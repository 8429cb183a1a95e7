import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError } from '@nats-io/nats-core';
import { fakeConnection, noResponders } from '../test-support/fake-reply-connection.js';
import { JetStreamPublisher, msgIdHeaders } from './jetstream-publisher.js';
import { ReplyMux } from './reply-mux.js';

describe('JetStreamPublisher', () => {
  it('publishes with a reply subject under one subscription and resolves on the PubAck', async () => {
    const c = fakeConnection();
    const mux = new ReplyMux(c.nc);
    const p = new JetStreamPublisher(mux);
    const h = msgIdHeaders('m-1');
    const first = p.publish('ocpp.v16.evt.CP1.MeterValues', new Uint8Array([1]), h, 2_000);
    const second = p.publish('ocpp.v16.evt.CP2.MeterValues', new Uint8Array([2]), undefined, 2_000);
    expect(c.sent.map((s) => s.subject)).toEqual(['ocpp.v16.evt.CP1.MeterValues', 'ocpp.v16.evt.CP2.MeterValues']);
    expect(c.sent[0].headers?.get('Nats-Msg-Id')).toBe('m-1');
    expect(c.sent[1].headers).toBeUndefined();
    expect(new Set(c.sent.map((s) => s.reply)).size).toBe(2);
    for (const s of c.sent) expect(s.reply.startsWith(c.pattern().slice(0, -1))).toBe(true);
    expect(mux.inFlight).toBe(2);
    c.answer(c.sent[1].reply, '{"stream":"OCPP_EVENTS","seq":2}');
    c.answer(c.sent[0].reply, '{"stream":"OCPP_EVENTS","seq":1,"duplicate":true}');
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
    expect(mux.inFlight).toBe(0);
  });

  it('rejects with the API error the stream answered', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(new ReplyMux(c.nc));
    const sent = p.publish('s', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, '{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}}');
    const err = await sent.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JetStreamApiError);
    expect((err as JetStreamApiError).code).toBe(10008);
    expect((err as JetStreamApiError).status).toBe(503);
  });

  it('rejects with NoRespondersError when nothing stores the subject (a 503 status without a body)', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(new ReplyMux(c.nc));
    const sent = p.publish('nowhere', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, '', noResponders());
    await expect(sent).rejects.toBeInstanceOf(NoRespondersError);
  });

  it('rejects an answer that is not a PubAck', async () => {
    const c = fakeConnection();
    const p = new JetStreamPublisher(new ReplyMux(c.nc));
    const notJson = p.publish('s', new Uint8Array(), undefined, 2_000);
    const noStream = p.publish('s', new Uint8Array(), undefined, 2_000);
    c.answer(c.sent[0].reply, 'not json');
    c.answer(c.sent[1].reply, '{"seq":1}');
    await expect(notJson).rejects.toThrow(/not JSON/);
    await expect(noStream).rejects.toThrow(/without a stream/);
  });
});
