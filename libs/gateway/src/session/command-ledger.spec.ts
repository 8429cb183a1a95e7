import { CommandLedger } from './command-ledger.js';

describe('CommandLedger', () => {
  test('a second delivery of one command id gets the first outcome and does not execute again', async () => {
    const ledger = new CommandLedger<string>(60_000);
    let executions = 0;
    let finish: (v: string) => void = () => undefined;
    const first = ledger.run('c1', () => {
      executions++;
      return new Promise<string>((r) => (finish = r));
    });
    // The duplicate arrives while the first still runs: it waits for the same outcome.
    const second = ledger.run('c1', async () => {
      executions++;
      return 'second';
    });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    finish('accepted');
    expect(await second.outcome).toBe('accepted');
    expect(await first.outcome).toBe('accepted');
    // And after it finished.
    expect(await ledger.run('c1', async () => 'third').outcome).toBe('accepted');
    expect(executions).toBe(1);
  });

  test('a settled outcome is kept as data: a later duplicate gets an equal copy, never a second execution', async () => {
    const ledger = new CommandLedger<{ status: string; result: { configurationKey: Array<{ key: string; value: string }> } }>(60_000);
    const reply = { status: 'ok', result: { configurationKey: [{ key: 'HeartbeatInterval', value: '3600' }] } };
    let executions = 0;
    const first = ledger.run('c1', async () => (executions++, reply));
    expect(await first.outcome).toBe(reply);
    await new Promise((r) => setImmediate(r));
    const again = ledger.run('c1', async () => (executions++, { status: 'ran again', result: { configurationKey: [] } }));
    expect(again.duplicate).toBe(true);
    const copy = await again.outcome;
    expect(copy).toEqual(reply);
    expect(copy).not.toBe(reply);
    expect(executions).toBe(1);
  });

  test('a failed execution is remembered too: a duplicate does not turn one attempt into two', async () => {
    const ledger = new CommandLedger<string>(60_000);
    const first = ledger.run('c1', async () => {
      throw new Error('boom');
    });
    await expect(first.outcome).rejects.toThrow('boom');
    const again = ledger.run('c1', async () => 'ran again');
    expect(again.duplicate).toBe(true);
    await expect(again.outcome).rejects.toThrow('boom');
  });

  test('a read is remembered while it runs and forgotten once settled: a later duplicate reads again', async () => {
    const ledger = new CommandLedger<string>(60_000);
    let executions = 0;
    let finish: (v: string) => void = () => undefined;
    const first = ledger.run('r1', () => (executions++, new Promise<string>((r) => (finish = r))), undefined, true);
    // While it runs, a duplicate joins the same CALL.
    const joined = ledger.run('r1', async () => (executions++, 'second'), undefined, true);
    expect(joined.duplicate).toBe(true);
    expect(ledger.size).toBe(1);
    finish('configuration');
    expect(await joined.outcome).toBe('configuration');
    await first.outcome;
    await new Promise((r) => setImmediate(r));
    expect(ledger.size).toBe(0);
    const later = ledger.run('r1', async () => (executions++, 'fresh'), undefined, true);
    expect(later.duplicate).toBe(false);
    expect(await later.outcome).toBe('fresh');
    expect(executions).toBe(2);
  });

  test('a failed read is forgotten too', async () => {
    const ledger = new CommandLedger<string>(60_000);
    const first = ledger.run('r1', async () => Promise.reject(new Error('boom')), undefined, true);
    await expect(first.outcome).rejects.toThrow('boom');
    await new Promise((r) => setImmediate(r));
    expect(ledger.size).toBe(0);
  });

  test('entries expire after the TTL and the ledger stays within its bound', async () => {
    let now = 0;
    const ledger = new CommandLedger<number>(1_000, 3, () => now);
    for (let i = 0; i < 5; i++) ledger.run(`c${i}`, async () => i);
    expect(ledger.size).toBeLessThanOrEqual(3);
    // The oldest went first: c4 is still known, c0 is not.
    expect(ledger.run('c4', async () => -1).duplicate).toBe(true);
    expect(ledger.run('c0', async () => -1).duplicate).toBe(false);
    now = 1_001;
    const late = ledger.run('c4', async () => 44);
    expect(late.duplicate).toBe(false);
    expect(await late.outcome).toBe(44);
    expect(ledger.size).toBe(1);
  });

  test('a command with a deadline is forgotten a minute after it, also behind an older longer-lived entry', async () => {
    let now = 0;
    const ledger = new CommandLedger<number>(15 * 60_000, 100, () => now);
    ledger.run('no-deadline', async () => 1);
    ledger.run('d1', async () => 2, 30_000);
    now = 30_000 + 59_999;
    expect(ledger.run('d1', async () => -1, 30_000).duplicate).toBe(true);
    now = 30_000 + 61_001; // past the deadline + 1 min, and over a second since the last full pass
    expect(ledger.size).toBe(2);
    // The next run's pass drops d1 although the older entry without a deadline is still alive.
    ledger.run('other', async () => 3);
    expect(ledger.size).toBe(2);
    expect(ledger.run('no-deadline', async () => -1).duplicate).toBe(true);
  });
});
