import { Batcher, keyedBatcher, roundsOfDistinct } from './batcher.js';

/** A run function whose batches finish only when the test says so. */
function controlledRun(): { run: (items: number[]) => Promise<string[]>; batches: number[][]; finish(i: number, err?: Error): void } {
  const batches: number[][] = [];
  const finishers: Array<(err?: Error) => void> = [];
  return {
    batches,
    run: (items) => {
      batches.push(items);
      return new Promise<string[]>((res, rej) => finishers.push((err) => (err ? rej(err) : res(items.map((n) => `r${n}`)))));
    },
    finish: (i, err) => finishers[i](err),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('sends an item that arrives alone at once, as a batch of one', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxInFlight: 1 });
    const p = b.add(1);
    expect(c.batches).toEqual([[1]]);
    c.finish(0);
    await expect(p).resolves.toBe('r1');
  });

  it('gathers items arriving while batches are out into the next batch, in arrival order', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxInFlight: 1, maxBatch: 10 });
    const first = b.add(1);
    const rest = [2, 3, 4].map((n) => b.add(n));
    expect(c.batches).toEqual([[1]]);
    c.finish(0);
    await first;
    await tick();
    expect(c.batches).toEqual([[1], [2, 3, 4]]);
    c.finish(1);
    await expect(Promise.all(rest)).resolves.toEqual(['r2', 'r3', 'r4']);
  });

  it('keeps up to maxInFlight batches out and caps a batch at maxBatch', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxInFlight: 2, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((n) => b.add(n));
    expect(c.batches).toEqual([[1], [2]]);
    c.finish(0);
    await tick();
    expect(c.batches).toEqual([[1], [2], [3, 4]]);
    c.finish(1);
    await tick();
    expect(c.batches).toEqual([[1], [2], [3, 4], [5, 6]]);
    c.finish(2);
    c.finish(3);
    await expect(Promise.all(all)).resolves.toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('rejects every item of a failed batch and goes on with the next', async () => {
    const c = controlledRun();
    const b = new Batcher(c.run, { maxInFlight: 1 });
    const first = b.add(1);
    const second = [b.add(2), b.add(3)];
    c.finish(0);
    await first;
    await tick();
    const third = b.add(4); // arrives while the second batch is out
    c.finish(1, new Error('connection lost'));
    await expect(second[0]).rejects.toThrow('connection lost');
    await expect(second[1]).rejects.toThrow('connection lost');
    await tick();
    expect(c.batches[2]).toEqual([4]);
    c.finish(2);
    await expect(third).resolves.toBe('r4');
  });

  it('rejects a batch whose run returned the wrong number of results', async () => {
    const b = new Batcher<number, string>(async () => ['only one'], { maxInFlight: 1 });
    const first = b.add(1);
    const more = [b.add(2), b.add(3)];
    await expect(first).resolves.toBe('only one');
    await expect(more[0]).rejects.toThrow('1 results for 2 items');
    await expect(more[1]).rejects.toThrow('1 results for 2 items');
  });

  it('refuses nonsense options', () => {
    expect(() => new Batcher(async () => [], { maxInFlight: 0 })).toThrow('at least 1');
    expect(() => new Batcher(async () => [], { maxBatch: 0 })).toThrow('at least 1');
  });
});

describe('roundsOfDistinct', () => {
  it('puts repeated keys in later rounds, keeping each key in arrival order and the original indexes', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
    const rounds = roundsOfDistinct(items, (s) => s[0]);
    expect(rounds).toEqual([
      [
        [0, 'a1'],
        [1, 'b1'],
        [3, 'c1'],
      ],
      [
        [2, 'a2'],
        [5, 'b2'],
      ],
      [[4, 'a3']],
    ]);
  });

  it('keeps a later item of a key after every earlier one, even when an earlier round has room', () => {
    const rounds = roundsOfDistinct(['a', 'a', 'b', 'b', 'a'], (s) => s);
    expect(rounds).toEqual([
      [
        [0, 'a'],
        [2, 'b'],
      ],
      [
        [1, 'a'],
        [3, 'b'],
      ],
      [[4, 'a']],
    ]);
  });

  it('gives one round for distinct keys and none for no items', () => {
    expect(roundsOfDistinct([1, 2, 3], String)).toEqual([
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    ]);
    expect(roundsOfDistinct([], String)).toEqual([]);
  });
});

describe('keyedBatcher', () => {
  it('asks once per batch for the distinct keys and answers every waiter, missing keys included', async () => {
    const asked: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = keyedBatcher<string>(
      async (keys) => {
        asked.push(keys);
        await gate;
        return new Map(keys.filter((k) => k !== 'none').map((k) => [k, `v-${k}`]));
      },
      (k) => `missing-${k}`,
      { maxInFlight: 1 },
    );
    const first = b.add('a');
    const rest = ['b', 'none', 'b', 'c'].map((k) => b.add(k));
    release();
    await expect(first).resolves.toBe('v-a');
    await expect(Promise.all(rest)).resolves.toEqual(['v-b', 'missing-none', 'v-b', 'v-c']);
    expect(asked).toEqual([['a'], ['b', 'none', 'c']]);
  });
});
