import type { ConsumerStats } from '#csms/bus';
import { STOP_CONSUMER, waitForStopsDrained } from './stop-consumer-drain.js';

const stats = (consumer: string, pending: number): ConsumerStats => ({ consumer, pending, redelivered: 0, deadLettered: 0, stalled: false });

describe('waitForStopsDrained', () => {
  it('returns at once when the stop consumer has nothing pending', async () => {
    let asked = 0;
    const bus = { consumerStats: async () => (asked++, [stats('metering-status', 7), stats(STOP_CONSUMER, 0)]) };
    expect(await waitForStopsDrained(bus, 10_000)).toEqual({ drained: true });
    expect(asked).toBe(1);
  });

  it('waits while messages are pending and returns once they are applied', async () => {
    const pending = [3, 1, 1, 0];
    const bus = { consumerStats: async () => [stats(STOP_CONSUMER, pending.shift() ?? 0)] };
    expect(await waitForStopsDrained(bus, 10_000, 1)).toEqual({ drained: true });
    expect(pending).toEqual([]);
  });

  it('gives up after the wait and says how many were still pending', async () => {
    const bus = { consumerStats: async () => [stats(STOP_CONSUMER, 2)] };
    expect(await waitForStopsDrained(bus, 30, 5)).toEqual({ drained: false, pending: 2 });
  });

  it('does not wait for a consumer this process does not run, nor when the bus cannot say', async () => {
    expect(await waitForStopsDrained({ consumerStats: async () => [stats('other', 1)] }, 10_000)).toEqual({ drained: false, pending: undefined });
    const failing = {
      consumerStats: async (): Promise<ConsumerStats[]> => {
        throw new Error('connection closed');
      },
    };
    expect(await waitForStopsDrained(failing, 10_000)).toEqual({ drained: false, pending: undefined });
  });
});
