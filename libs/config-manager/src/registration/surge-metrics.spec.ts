import { register } from 'prom-client';
import { ArrivalSurge } from './arrival-surge.js';
import { followUpsWaiting, watchSurge } from './surge-metrics.js';

describe('config_followups_waiting', () => {
  afterEach(() => watchSurge(undefined));

  test('reads the waiting follow-ups of the watched surge at scrape time', async () => {
    expect(followUpsWaiting).toBeDefined();
    const value = async (): Promise<string> => (await register.getSingleMetricAsString('config_followups_waiting')).split('\n').pop() as string;
    expect(await value()).toBe('config_followups_waiting 0');
    const surge = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 60_000 });
    watchSurge(surge);
    surge.note(10);
    const waiting = [surge.settled(Date.now()), surge.settled(Date.now())];
    expect(await value()).toBe('config_followups_waiting 2');
    surge.stop();
    await Promise.all(waiting);
    expect(await value()).toBe('config_followups_waiting 0');
  });
});
