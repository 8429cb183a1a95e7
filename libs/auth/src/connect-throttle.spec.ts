import { ConnectThrottle } from './connect-throttle.js';

describe('ConnectThrottle', () => {
  it('forgets failures once the window passed without a block', () => {
    let t = 0;
    const throttle = new ConnectThrottle({ maxFailures: 3, windowMs: 1_000 }, () => t);
    throttle.recordFailure('A', 'ip');
    throttle.recordFailure('A', 'ip');
    t = 5_000;
    throttle.recordFailure('A', 'ip');
    expect(throttle.retryAfterSeconds('A', 'ip')).toBeUndefined();
  });

  it('caps the back-off', () => {
    let t = 0;
    const throttle = new ConnectThrottle({ maxFailures: 1, baseBackoffMs: 1_000, maxBackoffMs: 4_000 }, () => t);
    for (let i = 0; i < 10; i++) throttle.recordFailure('A', 'ip');
    expect(throttle.retryAfterSeconds('A', 'other-ip')).toBe(4);
  });

  it('stays bounded: beyond maxEntries the least recently touched key is dropped', () => {
    const throttle = new ConnectThrottle({ maxFailures: 1, maxEntries: 100 }, () => 0);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure(`ID${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect(throttle.trackedKeys).toBe(200);
    expect(throttle.retryAfterSeconds('ID999', 'x')).toBe(1);
    expect(throttle.retryAfterSeconds('ID0', 'x')).toBeUndefined();
  });
});
