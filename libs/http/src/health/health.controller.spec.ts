import { HttpException } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import type { ReadinessCheck } from './readiness.js';

const check = (name: string, ok: boolean, extra: Partial<ReadinessCheck> = {}): ReadinessCheck => ({ name, check: async () => ok, ...extra });

describe('GET /health/ready', () => {
  test('ready when every check passes', async () => {
    await expect(new HealthController([check('bus', true), check('deadLetters', true, { degradesOnly: true })]).ready()).resolves.toEqual({
      status: 'ready',
      checks: { bus: true, deadLetters: true },
    });
  });

  test('dead letters only degrade: still ready (200), with the reason', async () => {
    const controller = new HealthController([check('bus', true), check('deadLetters', false, { degradesOnly: true, reasons: async () => ['2 dead letter(s): GET /api/v1/dead-letters'] })]);
    await expect(controller.ready()).resolves.toEqual({
      status: 'ready',
      checks: { bus: true, deadLetters: false },
      degraded: ['deadLetters'],
      reasons: ['2 dead letter(s): GET /api/v1/dead-letters'],
    });
  });

  test('a stalled consumer makes it not ready (503), naming the consumer', async () => {
    const controller = new HealthController([
      check('bus', true),
      check('consumers', false, { reasons: async () => ['consumer metering-status stalled: 12 pending, nothing processed for 2 min'] }),
      check('deadLetters', false, { degradesOnly: true, reasons: async () => ['1 dead letter(s)'] }),
    ]);
    const err = await controller.ready().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(HttpException);
    expect((err as HttpException).getStatus()).toBe(503);
    expect((err as HttpException).getResponse()).toEqual({
      status: 'not-ready',
      checks: { bus: true, consumers: false, deadLetters: false },
      reasons: ['consumer metering-status stalled: 12 pending, nothing processed for 2 min', '1 dead letter(s)'],
    });
  });
});
