import { describe, expect, it } from '@jest/globals';
import { applyToLatest } from './compare-and-set.js';

/** A row with a version, written only when the version read is still the stored one. */
function table(initial: number): { stored: { v: number; n: number } | undefined; write(read: { v: number; n: number }, n: number): boolean } {
  return {
    stored: { v: initial, n: 0 },
    write(read, n) {
      if (!this.stored || this.stored.v !== read.v) return false;
      this.stored = { v: read.v + 1, n };
      return true;
    },
  };
}

describe('applyToLatest', () => {
  it('applies the rule to the row read again after a miss, not to the stale read', async () => {
    const t = table(1);
    const stale = { ...t.stored! };
    t.stored = { v: 2, n: 10 }; // someone else wrote after our read
    const seen: number[] = [];
    const ok = await applyToLatest(
      stale,
      async (row) => (seen.push(row.n), t.write(row, row.n + 1)),
      async () => (t.stored ? { ...t.stored } : undefined),
      'row',
    );
    expect(ok).toBe(true);
    expect(seen).toEqual([0, 10]);
    expect(t.stored).toEqual({ v: 3, n: 11 });
  });

  it('answers false when the row is gone', async () => {
    const t = table(1);
    const stale = { ...t.stored! };
    t.stored = undefined;
    await expect(
      applyToLatest(
        stale,
        async (row) => t.write(row, 1),
        async () => t.stored,
        'row',
      ),
    ).resolves.toBe(false);
  });

  it('gives up with an error naming the row after the rounds, instead of looping', async () => {
    let reads = 0;
    await expect(
      applyToLatest(
        { v: 0 },
        async () => false,
        async () => ({ v: ++reads }),
        'campaign X charger Y',
        3,
      ),
    ).rejects.toThrow('campaign X charger Y kept changing while a change was applied (3 rounds)');
    expect(reads).toBe(3);
  });
});
