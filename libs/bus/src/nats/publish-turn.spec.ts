import { publishTurn } from './publish-turn.js';

describe('publishTurn', () => {
  it('is one wait for every publish of a turn, released in its check phase after the I/O callbacks', async () => {
    const order: string[] = [];
    const first = publishTurn();
    const second = publishTurn();
    expect(second).toBe(first);
    void first.then(() => order.push('turn'));
    await Promise.resolve();
    order.push('microtasks of the caller');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual(['microtasks of the caller', 'turn']);
  });

  it('starts a new wait once a turn was released', async () => {
    const first = publishTurn();
    await first;
    const next = publishTurn();
    expect(next).not.toBe(first);
    await next;
  });
});
