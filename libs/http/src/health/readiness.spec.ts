import { runReadiness, runReadinessChecks } from './readiness.js';

describe('readiness checks', () => {
  test('a failing check says why; a plain boolean check still works', async () => {
    const report = await runReadiness([
      { name: 'bus', check: async () => true },
      { name: 'auth', check: async () => ({ ready: false, reason: 'auth service not running' }) },
      { name: 'database', check: async () => false },
    ]);
    expect(report).toEqual({ checks: { bus: true, auth: false, database: false }, reasons: { auth: 'auth service not running' } });
  });

  test('a check that throws or hangs is not ready, with the reason', async () => {
    const report = await runReadiness(
      [
        { name: 'broken', check: async () => Promise.reject(new Error('connection refused')) },
        { name: 'hung', check: () => new Promise<boolean>(() => undefined) },
      ],
      50,
    );
    expect(report.checks).toEqual({ broken: false, hung: false });
    expect(report.reasons).toEqual({ broken: 'connection refused', hung: 'no answer within 50 ms' });
    expect(await runReadinessChecks([{ name: 'ok', check: async () => ({ ready: true }) }])).toEqual({ ok: true });
  });
});
