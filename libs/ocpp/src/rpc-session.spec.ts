import { jest } from '@jest/globals';
import { parseFrame } from './framing.js';
import {
  CallErrorResponse,
  CallExpiredError,
  CallSendError,
  CallTimeoutError,
  OutgoingPayloadError,
  RpcSession,
  SessionClosedError,
  type RpcSessionOptions,
} from './rpc-session.js';

const RESET = { type: 'Soft' };

function harness(opts: Partial<RpcSessionOptions> = {}) {
  const sent: string[] = [];
  const session = new RpcSession({ send: (t) => sent.push(t), defaultTimeoutMs: 30_000, ...opts });
  const call = (i: number) => {
    const f = parseFrame(sent[i] ?? 'missing');
    if (f.kind !== 'call') throw new Error(`frame ${i} is not a CALL`);
    return f;
  };
  const answer = (i: number, payload: unknown) => session.handleResponse({ kind: 'result', messageId: call(i).messageId, payload });
  return { sent, session, call, answer };
}

/** Lets promise callbacks run without touching the (fake) clock. */
const flush = () => new Promise<void>((r) => jest.requireActual<typeof import('node:timers')>('node:timers').setImmediate(r));

describe('RpcSession', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends a CALL and resolves with the CALLRESULT payload', async () => {
    const { session, sent, call, answer } = harness();
    const p = session.call('Reset', RESET);
    expect(sent).toHaveLength(1);
    expect(call(0)).toMatchObject({ action: 'Reset', payload: RESET });
    expect(call(0).messageId).toHaveLength(36);
    expect(answer(0, { status: 'Accepted' })).toBe(true);
    await expect(p).resolves.toEqual({ status: 'Accepted' });
    expect(session.pending).toBe(0);
  });

  it('"a side does not send its next CALL until the previous one got a CALLRESULT/CALLERROR" [J16 §4.1.1]', async () => {
    const { session, sent, call, answer } = harness();
    const first = session.call('Reset', RESET);
    const second = session.call('ClearCache', {});
    const third = session.call('Heartbeat', {}, {});
    expect(sent).toHaveLength(1);
    expect(session.pending).toBe(3);

    answer(0, { status: 'Accepted' });
    await expect(first).resolves.toEqual({ status: 'Accepted' });
    expect(sent).toHaveLength(2);
    expect(call(1).action).toBe('ClearCache');

    session.handleResponse({ kind: 'error', messageId: call(1).messageId, code: 'NotSupported', description: '', details: {} });
    await expect(second).rejects.toBeInstanceOf(CallErrorResponse);
    expect(sent).toHaveLength(3);
    expect(call(2).action).toBe('Heartbeat');
    answer(2, { currentTime: '2024-05-01T10:00:00Z' });
    await expect(third).resolves.toEqual({ currentTime: '2024-05-01T10:00:00Z' });
    expect(new Set([call(0).messageId, call(1).messageId, call(2).messageId]).size).toBe(3);
  });

  it('CALLERROR rejects with CallErrorResponse { code, description, details }; Occurrence spelling normalised', async () => {
    const { session, call } = harness();
    const p = session.call('Reset', RESET);
    session.handleResponse({
      kind: 'error',
      messageId: call(0).messageId,
      code: 'OccurrenceConstraintViolation',
      description: 'type missing',
      details: { k: 1 },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallErrorResponse);
    expect(err).toMatchObject({
      code: 'OccurenceConstraintViolation',
      receivedCode: 'OccurrenceConstraintViolation',
      description: 'type missing',
      details: { k: 1 },
    });
  });

  it('a CALLRESULT that breaks the response schema rejects with CallErrorResponse', async () => {
    const { session, answer } = harness();
    const extra = session.call('Reset', RESET);
    answer(0, { status: 'Accepted', bonus: true });
    await expect(extra).rejects.toMatchObject({ code: 'FormationViolation', details: { errors: [{ path: '$.bonus' }] } });
    const wrong = session.call('Reset', RESET);
    answer(1, { status: 'Maybe' });
    await expect(wrong).rejects.toMatchObject({ code: 'PropertyConstraintViolation' });
  });

  it('an invalid outgoing payload is rejected with OutgoingPayloadError and never sent', async () => {
    const { session, sent } = harness();
    const err = await session.call('Reset', { type: 'Medium' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutgoingPayloadError);
    expect(err).toMatchObject({ code: 'RPC_INVALID_OUTGOING_PAYLOAD', ocppErrorCode: 'PropertyConstraintViolation', errors: [{ path: '$.type' }] });
    await expect(session.call('Rest', {})).rejects.toMatchObject({ code: 'RPC_INVALID_OUTGOING_PAYLOAD', ocppErrorCode: 'NotImplemented' });
    expect(sent).toHaveLength(0);
    expect(session.pending).toBe(0);
  });

  it('validateOutgoing: false sends whatever it is given', async () => {
    const { session, sent, answer } = harness({ validateOutgoing: false });
    const p = session.call('VendorThing', { x: 1 });
    expect(sent).toHaveLength(1);
    answer(0, { anything: true });
    await expect(p).resolves.toEqual({ anything: true });
  });

  it('"...or timed out" [J16 §4.1.1]: timeout rejects with CallTimeoutError, then the next call proceeds', async () => {
    const { session, sent, call } = harness({ defaultTimeoutMs: 1_000 });
    const first = session.call('Reset', RESET);
    const second = session.call('ClearCache', {});
    jest.advanceTimersByTime(999);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    const err = await first.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallTimeoutError);
    expect(err).toMatchObject({ code: 'RPC_TIMEOUT', action: 'Reset', timeoutMs: 1_000 });
    expect(sent).toHaveLength(2);
    expect(call(1).action).toBe('ClearCache');
    session.handleResponse({ kind: 'result', messageId: call(1).messageId, payload: { status: 'Accepted' } });
    await expect(second).resolves.toEqual({ status: 'Accepted' });
  });

  it('the timeout runs from when the CALL was sent, not when it was queued', async () => {
    const { session, sent, answer } = harness({ defaultTimeoutMs: 1_000 });
    const first = session.call('Reset', RESET);
    const second = session.call('ClearCache', {}, { timeoutMs: 500 });
    jest.advanceTimersByTime(900);
    answer(0, { status: 'Accepted' });
    await first;
    expect(sent).toHaveLength(2);
    let settled = false;
    second.catch(() => undefined).finally(() => (settled = true));
    jest.advanceTimersByTime(499);
    await flush();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(second).rejects.toMatchObject({ code: 'RPC_TIMEOUT', timeoutMs: 500 });
  });

  it('a late answer after the timeout is ignored (handleResponse returns false)', async () => {
    const { session, call, answer } = harness({ defaultTimeoutMs: 1_000 });
    const first = session.call('Reset', RESET);
    const second = session.call('ClearCache', {});
    jest.advanceTimersByTime(1_000);
    await expect(first).rejects.toBeInstanceOf(CallTimeoutError);
    expect(answer(0, { status: 'Accepted' })).toBe(false);
    expect(session.handleResponse({ kind: 'error', messageId: call(0).messageId, code: 'GenericError', description: '', details: {} })).toBe(false);
    expect(session.pending).toBe(1);
    expect(answer(1, { status: 'Rejected' })).toBe(true);
    await expect(second).resolves.toEqual({ status: 'Rejected' });
  });

  it('an answer with an unknown messageId matches nothing', () => {
    const { session } = harness();
    void session.call('Reset', RESET);
    expect(session.handleResponse({ kind: 'result', messageId: 'nope', payload: {} })).toBe(false);
    expect(session.pending).toBe(1);
  });

  it('close(reason) rejects the outstanding and all queued calls, and every later call', async () => {
    const { session, sent } = harness();
    const calls = [session.call('Reset', RESET), session.call('ClearCache', {}), session.call('Heartbeat', {})];
    session.close('socket closed');
    for (const p of calls) await expect(p).rejects.toMatchObject({ code: 'RPC_SESSION_CLOSED', reason: 'socket closed' });
    expect(session.pending).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    await expect(session.call('Reset', RESET)).rejects.toBeInstanceOf(SessionClosedError);
    expect(sent).toHaveLength(1);
  });

  it('a send that throws rejects that call with CallSendError and the queue moves on', async () => {
    let fail = true;
    const sent: string[] = [];
    const session = new RpcSession({
      send: (t) => {
        if (fail) {
          fail = false;
          throw new Error('socket not open');
        }
        sent.push(t);
      },
      defaultTimeoutMs: 1_000,
    });
    const first = session.call('Reset', RESET);
    const second = session.call('ClearCache', {});
    const err = await first.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallSendError);
    expect(err).toMatchObject({ code: 'RPC_SEND_FAILED' });
    expect(sent).toHaveLength(1);
    session.close();
    await expect(second).rejects.toBeInstanceOf(SessionClosedError);
  });
  describe('deadlines (a command queued behind an unanswered CALL is never sent after its caller gave up)', () => {
    it('a queued call leaves the queue at its deadline and is never sent, even when the queue moves later', async () => {
      const { session, sent, answer } = harness();
      const first = session.call('Reset', RESET, { timeoutMs: 60_000 });
      const second = session.call('ClearCache', {}, { deadline: Date.now() + 5_000 });
      const err = second.catch((e: unknown) => e);
      jest.advanceTimersByTime(5_000);
      expect(await err).toBeInstanceOf(CallExpiredError);
      expect(await err).toMatchObject({ code: 'RPC_EXPIRED', action: 'ClearCache' });
      answer(0, { status: 'Accepted' });
      await expect(first).resolves.toEqual({ status: 'Accepted' });
      expect(sent).toHaveLength(1);
      expect(session.pending).toBe(0);
    });

    it('a call sent before its deadline waits at most until the deadline', async () => {
      const { session, sent } = harness();
      const p = session.call('Reset', RESET, { timeoutMs: 60_000, deadline: Date.now() + 2_000 });
      expect(sent).toHaveLength(1);
      const err = p.catch((e: unknown) => e);
      jest.advanceTimersByTime(2_000);
      expect(await err).toBeInstanceOf(CallTimeoutError);
    });

    it('a call whose deadline already passed is refused at once', async () => {
      const { session, sent } = harness();
      await expect(session.call('Reset', RESET, { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(CallExpiredError);
      expect(sent).toHaveLength(0);
    });
  });

  it('close tells a sent call (outcome unknown) from a queued one (never sent)', async () => {
    const { session } = harness();
    const sentCall = session.call('Reset', RESET).catch((e: unknown) => e);
    const queuedCall = session.call('ClearCache', {}).catch((e: unknown) => e);
    session.close('socket closed');
    expect(await sentCall).toMatchObject({ code: 'RPC_SESSION_CLOSED', sent: true });
    expect(await queuedCall).toMatchObject({ code: 'RPC_SESSION_CLOSED', sent: false });
  });
});
