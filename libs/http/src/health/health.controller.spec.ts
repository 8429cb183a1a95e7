import { HttpException } from '@nestjs/common';
import { toApiError } from '../errors/api-error.js';
import { HealthController } from './health.controller.js';
import type { ReadinessCheck } from './readiness.js';

const check = (name: string, ok: boolean, extra: Partial<ReadinessCheck> & { reason?: string } = {}): ReadinessCheck => {
  const { reason, ...rest } = extra;
  return { name, check: async () => (ok || !reason ? ok : { ready: false, reason }), ...rest };
};

describe('GET /health/ready', () => {
  test('ready when every check passes', async () => {
    await expect(new HealthController([check('bus', true), check('deadLetters', true, { degradesOnly: true })]).ready()).resolves.toEqual({
      status: 'ready',
      checks: { bus: true, deadLetters: true },
    });
  });

  test('dead letters only degrade: still ready (200), with the reason', async () => {
    const controller = new HealthController([
      check('bus', true),
      check('deadLetters', false, { degradesOnly: true, reason: '2 dead letter(s): GET /api/v1/dead-letters' }),
    ]);
    await expect(controller.ready()).resolves.toEqual({
      status: 'ready',
      checks: { bus: true, deadLetters: false },
      degraded: ['deadLetters'],
      reasons: { deadLetters: '2 dead letter(s): GET /api/v1/dead-letters' },
    });
  });

  test('a stalled consumer makes it not ready (503), naming the consumer; a check that throws or hangs says so', async () => {
    const controller = new HealthController([
      check('bus', true),
      check('consumers', false, { reason: 'consumer metering-status stalled: 12 pending, nothing processed for 2 min' }),
      check('deadLetters', false, { degradesOnly: true, reason: '1 dead letter(s)' }),
      { name: 'auth', check: () => Promise.reject(new Error('auth service does not answer')) },
    ]);
    const err = await controller.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpException);
    expect((err as HttpException).getStatus()).toBe(503);
    expect((err as HttpException).getResponse()).toEqual({
      error: 'not_ready',
      message: 'not ready: consumers (consumer metering-status stalled: 12 pending, nothing processed for 2 min); auth (auth service does not answer)',
      status: 'not-ready',
      checks: { bus: true, consumers: false, deadLetters: false, auth: false },
      reasons: {
        consumers: 'consumer metering-status stalled: 12 pending, nothing processed for 2 min',
        deadLetters: '1 dead letter(s)',
        auth: 'auth service does not answer',
      },
    });
    // The API's exception filter passes it through unchanged (the error shape, plus the checks and reasons).
    expect(toApiError(err).body).toEqual((err as HttpException).getResponse());
  });
});
