import { BatchIsolator, AckWaitExpiredError, withinAckWait } from './poison-isolation.js';

interface M {
  seq: number;
  deliveryCount: number;
  poison?: boolean;
}

const batch = (n: number, poison: number[], deliveryCount = 1): M[] =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, deliveryCount, poison: poison.includes(i + 1) }));

/** A handler that fails any part holding a poison message, recording how many calls it took. */
function handler() {
  const calls: number[][] = [];
  const attempt = async (part: M[]): Promise<void> => {
    calls.push(part.map((m) => m.seq));
    if (part.some((m) => m.poison)) throw new Error('value out of range');
  };
  return { calls, attempt };
}

describe('BatchIsolator', () => {
  test('splits until the poison message is alone: every innocent is processed in the same delivery', async () => {
    const { calls, attempt } = handler();
    const outcome = await new BatchIsolator(3).run(batch(256, [77]), attempt);
    expect(outcome.ok.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 255 }, (_, i) => (i + 1 < 77 ? i + 1 : i + 2)));
    expect(outcome.retry.map((r) => r.message.seq)).toEqual([77]);
    expect(outcome.retry[0].error).toBe('value out of range');
    expect(outcome.deadLetter).toEqual([]);
    // the whole batch, then two halves per level down to the single message: 1 + 2 * log2(256)
    expect(calls.length).toBe(17);
  });

  test('dead-letters a message that failed alone on its last allowed delivery, once others went through', async () => {
    const isolator = new BatchIsolator(3);
    const { attempt } = handler();
    expect((await isolator.run(batch(4, [2], 1), attempt)).retry).toHaveLength(1);
    expect((await isolator.run([{ seq: 2, deliveryCount: 2, poison: true }], attempt)).retry).toHaveLength(1);
    const last = await isolator.run([{ seq: 2, deliveryCount: 3, poison: true }], attempt);
    expect(last.deadLetter.map((d) => d.message.seq)).toEqual([2]);
    expect(last.retry).toEqual([]);
  });

  test('an outage dead-letters nothing: when everything fails, no message is blamed, and the split stops early', async () => {
    const isolator = new BatchIsolator(2);
    let calls = 0;
    const down = async (): Promise<void> => {
      calls++;
      throw new Error('connection refused');
    };
    for (let d = 1; d <= 5; d++) {
      calls = 0;
      const outcome = await isolator.run(batch(256, [], d), down);
      expect(outcome.deadLetter).toEqual([]);
      expect(outcome.ok).toEqual([]);
      expect(outcome.retry).toHaveLength(256);
      // not 511 calls: after two messages failed alone with nothing succeeding, the rest is tried once
      expect(calls).toBeLessThan(25);
    }
  });

  test('two poison messages at the head of a batch do not starve the rest: the next delivery explores the other half first', async () => {
    const isolator = new BatchIsolator(5);
    const { attempt } = handler();
    const first = await isolator.run(batch(8, [1, 2, 3]), attempt);
    const second = await isolator.run(
      first.retry.map((r) => ({ ...r.message, deliveryCount: 2 })),
      attempt,
    );
    const stored = new Set([...first.ok, ...second.ok].map((m) => m.seq));
    expect([...stored].sort()).toEqual([4, 5, 6, 7, 8]);
  });
});

describe('withinAckWait', () => {
  test('rejects with AckWaitExpiredError when the work does not settle in time, passes results through otherwise', async () => {
    await expect(withinAckWait(() => new Promise<never>(() => undefined), 20)).rejects.toBeInstanceOf(AckWaitExpiredError);
    await expect(withinAckWait(async () => 7, 1_000)).resolves.toBe(7);
    await expect(withinAckWait(async () => Promise.reject(new Error('x')), 1_000)).rejects.toThrow('x');
  });
});
