/**
 * One verb definition for both sides: `@Answers` serves it through the Nest bus transport, `ask` reaches it, and a
 * handler or a caller that does not match the definition fails type-checking (the `@ts-expect-error` lines below are
 * compiled by the typecheck: each must be an error, or the build fails).
 */
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { NoRespondersError } from './bus.js';
import { InProcessBus } from './in-process/in-process-bus.js';
import { ok, refuse, type ServiceReply } from './service-reply.js';
import { startBusMicroservice } from './test-support/bus-microservice.js';
import { Answers, ask, defineVerb, verbAt, type NoRequest } from './verb.js';

const getThing = defineVerb<{ id: number }, { id: number; name: string }>('metering', 'test.getThing');
const countThings = defineVerb<NoRequest, { count: number }>('registry', 'test.countThings');
const ping = verbAt<{ n: number }, { pong: number }>('svc.test.ping', 'test');

@Controller()
class ThingsController {
  @Answers(getThing)
  get(@Payload() body: { id: number }): ServiceReply<{ id: number; name: string }> {
    return body.id === 1 ? ok({ id: 1, name: 'one' }) : refuse(404, 'not_found', `thing ${body.id} does not exist`);
  }

  @Answers(countThings)
  async count(): Promise<ServiceReply<{ count: number }>> {
    return ok({ count: 3 });
  }

  @Answers(ping)
  ping(@Payload() body: { n: number }): { pong: number } {
    return { pong: body.n + 1 };
  }
}

/** Never instantiated: its decorators are the type-level checks. */
class MismatchedHandlers {
  // @ts-expect-error the handler takes another request than the verb's
  @Answers(getThing)
  wrongRequest(body: { name: string }): ServiceReply<{ id: number; name: string }> {
    return ok({ id: 0, name: body.name });
  }

  // @ts-expect-error the handler answers another reply than the verb's
  @Answers(getThing)
  wrongReply(body: { id: number }): ServiceReply<{ id: string }> {
    return ok({ id: String(body.id) });
  }

  // @ts-expect-error a raw verb's handler must answer its own shape, not a ServiceReply
  @Answers(ping)
  wrapped(body: { n: number }): ServiceReply<{ pong: number }> {
    return ok({ pong: body.n });
  }
}

describe('verbs: one definition for caller and handler', () => {
  let bus: InProcessBus;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ bus, close } = await startBusMicroservice([ThingsController]));
  });

  afterAll(() => close());

  it('spells the subject in libs/bus and answers in the owning service queue group', () => {
    expect(getThing).toEqual({ subject: 'api.metering.test.getThing', queue: 'metering' });
    expect(countThings).toEqual({ subject: 'api.registry.test.countThings', queue: 'config-manager' });
    expect(ping).toEqual({ subject: 'svc.test.ping', queue: 'test' });
  });

  it('an @Answers handler is reached by ask on the same verb, data and refusals alike', async () => {
    expect(await ask(bus, getThing, { id: 1 })).toEqual({ ok: true, data: { id: 1, name: 'one' } });
    expect(await ask(bus, getThing, { id: 2 })).toMatchObject({ ok: false, status: 404, body: { error: 'not_found' } });
    expect(await ask(bus, countThings, {})).toEqual({ ok: true, data: { count: 3 } });
    expect(await ask(bus, ping, { n: 41 })).toEqual({ pong: 42 });
  });

  it('a verb nobody answers is the bus error of its subject', async () => {
    const nobody = defineVerb<NoRequest, never>('auth', 'test.nobody');
    await expect(ask(bus, nobody, {})).rejects.toBeInstanceOf(NoRespondersError);
  });

  it('callers are checked against the definition', () => {
    // Type-level only: the functions are never called.
    const wrongRequest = (): unknown =>
      // @ts-expect-error the request lacks the verb's id
      ask(bus, getThing, { name: 'one' });
    const wrongReply = async (): Promise<string> => {
      const reply = await ask(bus, getThing, { id: 1 });
      // @ts-expect-error the reply's data has no field `missing`
      return reply.ok ? reply.data.missing : '';
    };
    expect([typeof wrongRequest, typeof wrongReply, typeof MismatchedHandlers]).toEqual(['function', 'function', 'function']);
  });
});
