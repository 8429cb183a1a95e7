import { jest } from '@jest/globals';
import {
  EVENT_ACTIONS,
  InProcessBus,
  REQUEST_ACTIONS,
  subjects,
  type ChargerMessage,
  type ChargerReply,
  type EventAction,
  type StreamedMessage,
} from '#csms/bus';
import { CHARGER_INITIATED_ACTIONS } from '#csms/ocpp';
import { CallRouter, dedupId, type CallOutcome } from './call-router.js';

type Reply = ChargerReply<Record<string, unknown>>;

let bus: InProcessBus;
let router: CallRouter;
beforeEach(async () => {
  bus = await InProcessBus.open();
  router = new CallRouter(bus, 'gw-7');
});
afterEach(async () => {
  jest.useRealTimers();
  await bus.close();
});

/** Every message the events stream holds for `subject`, from the start. */
async function stored(subject: string): Promise<ChargerMessage[]> {
  const reader = await bus.readStream<ChargerMessage>({ filterSubjects: [subject], startSeq: 1 });
  const out: ChargerMessage[] = [];
  try {
    // Reads until caught up; callers only ask when at least one message is there (an empty read would wait).
    for await (const m of reader as AsyncIterable<StreamedMessage<ChargerMessage>>) {
      out.push(m.data);
      if (m.pending === 0) break;
    }
  } finally {
    await reader.close();
  }
  return out;
}

const errorOf = (outcome: CallOutcome) => ('error' in outcome ? outcome.error : undefined);
const NOW = '2026-11-26T12:00:00.000Z';

/** A valid request and a valid answer of each action a service decides. */
const ASKED: Record<keyof typeof REQUEST_ACTIONS, { request: Record<string, unknown>; answer: Record<string, unknown> }> = {
  BootNotification: { request: { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }, answer: { status: 'Accepted', currentTime: NOW, interval: 300 } },
  Authorize: { request: { idTag: 'TAG1' }, answer: { idTagInfo: { status: 'Accepted' } } },
  StartTransaction: {
    request: { connectorId: 1, idTag: 'TAG1', meterStart: 0, timestamp: NOW },
    answer: { transactionId: 9, idTagInfo: { status: 'Accepted' } },
  },
  DataTransfer: { request: { vendorId: 'com.zaptec' }, answer: { status: 'Accepted' } },
};

describe('CallRouter.route', () => {
  test('every charger-initiated action has exactly one way: answered locally, asked of a service, stored, or not supported', () => {
    const ways = (a: string) => [a === 'Heartbeat', a in REQUEST_ACTIONS, (EVENT_ACTIONS as readonly string[]).includes(a)].filter(Boolean).length;
    expect(CHARGER_INITIATED_ACTIONS.filter((a) => ways(a) > 1)).toEqual([]);
    expect(CHARGER_INITIATED_ACTIONS.filter((a) => ways(a) === 0)).toEqual(['SignCertificate']);
  });

  test('Heartbeat is answered locally with the current time, without any service on the bus', async () => {
    const outcome = await router.route('CP-1', 'm1', 'Heartbeat', {});
    expect(outcome).toEqual({ result: { currentTime: expect.any(String) } });
    const time = (outcome as { result: { currentTime: string } }).result.currentTime;
    expect(new Date(time).toISOString()).toBe(time);
  });

  test.each(Object.keys(ASKED) as Array<keyof typeof REQUEST_ACTIONS>)(
    '%s is asked on its request subject and the service answer is the CALLRESULT',
    async (action) => {
      const seen: Array<{ subject: string; message: ChargerMessage }> = [];
      await bus.serve<ChargerMessage, Reply>(
        subjects.request(action),
        async (message, subject) => {
          seen.push({ subject, message });
          return { result: ASKED[action].answer };
        },
        { queue: REQUEST_ACTIONS[action] },
      );
      expect(await router.route('CP-1', 'm1', action, ASKED[action].request)).toEqual({ result: ASKED[action].answer });
      expect(seen).toEqual([
        {
          subject: `ocpp.v16.req.${action}`,
          message: { chargerId: 'CP-1', messageId: 'm1', action, payload: ASKED[action].request, receivedAt: expect.any(String), gatewayId: 'gw-7' },
        },
      ]);
    },
  );

  test('a service that refuses with an OCPP error: that error is the CALLERROR', async () => {
    await bus.serve<ChargerMessage, Reply>(subjects.request('DataTransfer'), async () => ({
      error: { code: 'NotSupported', description: 'unknown vendor', details: { vendorId: 'x' } },
    }));
    expect(await router.route('CP-1', 'm1', 'DataTransfer', { vendorId: 'x' })).toEqual({
      error: { code: 'NotSupported', description: 'unknown vendor', details: { vendorId: 'x' } },
    });
  });

  test('a service answer that breaks the response schema is not passed on: InternalError', async () => {
    await bus.serve<ChargerMessage, Reply>(subjects.request('Authorize'), async () => ({ result: { idTagInfo: { status: 'Maybe' } } }));
    expect(errorOf(await router.route('CP-1', 'm1', 'Authorize', { idTag: 'TAG1' }))).toMatchObject({
      code: 'InternalError',
      description: 'Authorize answer could not be produced',
    });
  });

  test('no service, a failing service, a silent service: InternalError saying why, so the charger retries', async () => {
    expect(errorOf(await router.route('CP-1', 'm1', 'Authorize', { idTag: 'TAG1' }))?.description).toMatch(/no service answers.*retry later/);

    await bus.serve(subjects.request('BootNotification'), async () => {
      throw new Error('database down');
    });
    expect(errorOf(await router.route('CP-1', 'm2', 'BootNotification', ASKED.BootNotification.request))).toMatchObject({
      code: 'InternalError',
      description: expect.stringContaining('database down'),
    });

    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    await bus.serve(subjects.request('StartTransaction'), () => new Promise<never>(() => undefined));
    const pending = router.route('CP-1', 'm3', 'StartTransaction', ASKED.StartTransaction.request);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(errorOf(await pending)).toMatchObject({ code: 'InternalError', description: expect.stringContaining('service timed out') });
  });

  test.each([
    ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }],
    ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: NOW, sampledValue: [{ value: '10' }] }] }],
    ['StopTransaction', { transactionId: 9, meterStop: 100, timestamp: NOW }],
  ] as Array<[EventAction, Record<string, unknown>]>)('%s is stored on its event subject before it is answered {}', async (action, payload) => {
    expect(await router.route('CP-1', 'e1', action, payload)).toEqual({ result: {} });
    expect(await stored(subjects.event('CP-1', action))).toEqual([
      { chargerId: 'CP-1', messageId: 'e1', action, payload, receivedAt: expect.any(String), gatewayId: 'gw-7' },
    ]);
  });

  test('the same CALL sent twice is stored once; the same id with another payload (ids restarted) is stored again', async () => {
    const status = (s: string) => ({ connectorId: 1, errorCode: 'NoError', status: s });
    await router.route('CP-1', 'e1', 'StatusNotification', status('Charging'));
    await router.route('CP-1', 'e1', 'StatusNotification', status('Charging'));
    await router.route('CP-1', 'e1', 'StatusNotification', status('Finishing'));
    expect((await stored(subjects.event('CP-1', 'StatusNotification'))).map((m) => (m.payload as { status: string }).status)).toEqual([
      'Charging',
      'Finishing',
    ]);
  });

  test('an event the stream cannot store now: InternalError, so nothing is acknowledged', async () => {
    await bus.close();
    expect(errorOf(await router.route('CP-1', 'e1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }))).toMatchObject({
      code: 'InternalError',
      description: 'StatusNotification could not be stored now; retry later',
    });
    bus = await InProcessBus.open(); // afterEach closes it
  });

  test.each([
    ['an unknown action', 'FooBar', 'NotImplemented', {}],
    ['a wrongly cased action', 'heartbeat', 'NotImplemented', {}],
    ['an action only a central system sends', 'RemoteStartTransaction', 'NotSupported', { idTag: 'TAG1' }],
    ['a valid SignCertificate (no certificate authority)', 'SignCertificate', 'NotSupported', { csr: 'x' }],
    ['a payload of the wrong type', 'Authorize', 'TypeConstraintViolation', { idTag: 7 }],
    ['a missing field', 'Authorize', 'OccurenceConstraintViolation', {}],
  ])('%s (%s) is refused with %s before anything is asked or stored', async (_what, action, code, payload) => {
    let asked = 0;
    await bus.serve(subjects.request('Authorize'), async () => {
      asked++;
      return { result: { idTagInfo: { status: 'Accepted' } } };
    });
    expect(errorOf(await router.route('CP-1', 'm1', action, payload))?.code).toBe(code);
    expect(asked).toBe(0);
  });

  test('an invalid payload carries the schema errors in the CALLERROR details', async () => {
    expect(errorOf(await router.route('CP-1', 'm1', 'Authorize', { idTag: 7 }))?.details).toEqual({
      errors: [{ path: '$.idTag', message: expect.stringContaining('string') }],
    });
  });

  test('a leap second is rewritten to the last millisecond before the next second before the service sees it', async () => {
    const seen: unknown[] = [];
    await bus.serve<ChargerMessage, Reply>(subjects.request('StartTransaction'), async (m) => {
      seen.push((m.payload as { timestamp: string }).timestamp);
      return { result: ASKED.StartTransaction.answer };
    });
    const payload = { ...ASKED.StartTransaction.request, timestamp: '2016-12-31T23:59:60Z' };
    expect(await router.route('CP-1', 'm1', 'StartTransaction', payload)).toEqual({ result: ASKED.StartTransaction.answer });
    expect(seen).toEqual(['2016-12-31T23:59:59.999Z']);
  });
});

describe('dedupId', () => {
  const base = { chargerId: 'CP-1', messageId: 'm1', action: 'MeterValues', payload: { connectorId: 1 } };
  test('stable for the same CALL, different when the charger, id, action or payload differ', () => {
    expect(dedupId(base)).toMatch(/^[0-9a-f]{40}$/);
    expect(dedupId({ ...base })).toBe(dedupId(base));
    const others = [
      { ...base, chargerId: 'CP-2' },
      { ...base, messageId: 'm2' },
      { ...base, action: 'StatusNotification' },
      { ...base, payload: { connectorId: 2 } },
    ].map(dedupId);
    expect(new Set([dedupId(base), ...others]).size).toBe(5);
  });
});
