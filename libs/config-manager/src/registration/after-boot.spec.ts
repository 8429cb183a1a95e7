import { jest } from '@jest/globals';
import { afterEachBoot } from './after-boot.js';
import { ArrivalSurge } from './arrival-surge.js';
import type { BootedCharger, BootListener, BootService } from './boot.service.js';

/** Only the listener registry and the arrivals of BootService: afterEachBoot uses nothing else. */
function boots(): { service: BootService; arrivals: ArrivalSurge; boot(chargerId: string, status: BootedCharger['status']): Promise<void> } {
  const listeners: BootListener[] = [];
  const arrivals = new ArrivalSurge({ ratePerS: 10, maxDeferMs: 5_000, pollMs: 100 });
  const service = { onBooted: (l: BootListener) => void listeners.push(l), arrivals } as unknown as BootService;
  return {
    service,
    arrivals,
    boot: async (chargerId, status) => {
      const booted: BootedCharger = {
        chargerId,
        model: 'generic',
        status,
        boot: { chargePointVendor: 'V', chargePointModel: 'M' },
        at: '2026-01-01T00:00:00Z',
      };
      for (const l of listeners) await l(booted);
    },
  };
}

describe('afterEachBoot', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('runs the follow-up after the delay, only for the boots it is for, with the at-boot step first', async () => {
    const b = boots();
    const order: string[] = [];
    afterEachBoot(
      b.service,
      { when: (x) => x.status === 'Accepted', delayMs: 500, what: 'test', atBoot: async (x) => void order.push(`at:${x.chargerId}`) },
      async (id) => void order.push(`after:${id}`),
    );
    await b.boot('A', 'Accepted');
    await b.boot('R', 'Rejected');
    expect(order).toEqual(['at:A']);
    await jest.advanceTimersByTimeAsync(499);
    expect(order).toEqual(['at:A']);
    await jest.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['at:A', 'after:A']);
  });

  test('a failing follow-up is logged; stop() drops the ones still waiting and ignores later boots', async () => {
    const b = boots();
    const warnings: string[] = [];
    let runs = 0;
    const handle = afterEachBoot(
      b.service,
      { when: () => true, delayMs: 100, what: 'queued commands', log: { warn: (m: string) => void warnings.push(m) } },
      async () => {
        runs++;
        throw new Error('bus down');
      },
    );
    await b.boot('A', 'Accepted');
    await jest.advanceTimersByTimeAsync(100);
    expect(warnings).toEqual(['queued commands after the boot of A: bus down']);
    await b.boot('B', 'Accepted');
    handle.stop();
    await b.boot('C', 'Accepted');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
  });

  test('during a surge of arrivals the follow-up waits for its end, and at most the surge limit from its boot', async () => {
    const b = boots();
    const ran: string[] = [];
    afterEachBoot(b.service, { when: () => true, delayMs: 100, what: 'test' }, async (id) => void ran.push(id));
    b.arrivals.note(20); // a storm: twice the rate
    await b.boot('A', 'Accepted');
    await jest.advanceTimersByTimeAsync(500);
    expect(ran).toEqual([]); // its delay is over, the surge is not
    await jest.advanceTimersByTimeAsync(600); // the arrivals left the last second's count
    expect(ran).toEqual(['A']);

    // A surge that goes on: released at the limit (5 s after the boot), not later.
    b.arrivals.note(20);
    const keepArriving = setInterval(() => b.arrivals.note(20), 200);
    await b.boot('B', 'Accepted');
    await jest.advanceTimersByTimeAsync(4_800);
    expect(ran).toEqual(['A']);
    await jest.advanceTimersByTimeAsync(400);
    expect(ran).toEqual(['A', 'B']);
    clearInterval(keepArriving);
  });
});
