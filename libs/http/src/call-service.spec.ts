import { HttpException } from '@nestjs/common';
import { NoRespondersError, RemoteHandlerError, RequestTimeoutError, defineVerb, type Bus } from '#csms/bus';
import { call } from './call-service.js';

const getCharger = defineVerb<{ chargerId: string }, { id: string }>('registry', 'get');

const failingWith = (err: Error): Bus => ({ request: () => Promise.reject(err) }) as unknown as Bus;

async function answer(err: Error): Promise<{ status: number; body: unknown }> {
  const thrown = await call(failingWith(err), getCharger, { chargerId: 'A' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(HttpException);
  return { status: (thrown as HttpException).getStatus(), body: (thrown as HttpException).getResponse() };
}

describe("call: a service that cannot answer is the caller's 503/504, never a 500", () => {
  it('nobody runs it: 503 service_unavailable', async () => {
    expect(await answer(new NoRespondersError('api.registry.get'))).toMatchObject({ status: 503, body: { error: 'service_unavailable' } });
  });
  it('it is silent: 504 service_timeout', async () => {
    expect(await answer(new RequestTimeoutError('api.registry.get', 10))).toMatchObject({ status: 504, body: { error: 'service_timeout' } });
  });
  it("its handler failed (its database down): 503 service_failed, without the handler's message", async () => {
    const { status, body } = await answer(new RemoteHandlerError('api.registry.get', 'connect ECONNREFUSED 10.0.0.5:5432'));
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: 'service_failed' });
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
  });
  it('answers with its data, or its refusal as the HTTP answer', async () => {
    const bus = { request: () => Promise.resolve({ ok: true, data: { id: 'A' } }) } as unknown as Bus;
    await expect(call(bus, getCharger, { chargerId: 'A' })).resolves.toEqual({ id: 'A' });
    const refusing = { request: () => Promise.resolve({ ok: false, status: 404, body: { error: 'not_found', message: 'no such charger' } }) } as unknown as Bus;
    const thrown = await call(refusing, getCharger, { chargerId: 'B' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((thrown as HttpException).getStatus()).toBe(404);
  });
});
