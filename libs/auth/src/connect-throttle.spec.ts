import { ConnectThrottle } from './connect-throttle.js';

describe('ConnectThrottle', () => {
  it('forgets failures once the window passed without a block', () => {
    let t = 0;
    const throttle = new ConnectThrottle({ pairMaxFailures: 3, windowMs: 1_000 }, () => t);
    throttle.recordFailure('A', 'ip');
    throttle.recordFailure('A', 'ip');
    t = 5_000;
    throttle.recordFailure('A', 'ip');
    expect(throttle.check('A', 'ip')).toBeUndefined();
  });

  it('caps the back-off', () => {
    const throttle = new ConnectThrottle({ pairMaxFailures: 1, baseBackoffMs: 1_000, maxBackoffMs: 4_000 }, () => 0);
    for (let i = 0; i < 10; i++) throttle.recordFailure('A', 'ip');
    expect(throttle.check('A', 'ip')).toEqual({ scope: 'pair', retryAfterSeconds: 4 });
  });

  it('a broken charger blocks itself, not its neighbours behind the same address (NAT site)', () => {
    const throttle = new ConnectThrottle({ pairMaxFailures: 5, addressMaxIdentities: 20 }, () => 0);
    for (let i = 0; i < 50; i++) throttle.recordFailure('BROKEN', 'site');
    expect(throttle.check('BROKEN', 'site')?.scope).toBe('pair');
    for (const id of ['GOOD1', 'GOOD2', 'NEVER-SEEN']) expect(throttle.check(id, 'site')).toBeUndefined();
  });

  it('an outsider failing for a charger from elsewhere blocks his addresses, not the charger at its own', () => {
    const throttle = new ConnectThrottle({ pairMaxFailures: 5, identityMaxFailures: 8 }, () => 0);
    for (let i = 0; i < 4; i++) for (const ip of ['evil-1', 'evil-2', 'evil-3']) throttle.recordFailure('VICTIM', ip);
    // 12 failures for the identity: over its limit, so every address that failed for it waits ...
    for (const ip of ['evil-1', 'evil-2', 'evil-3']) expect(throttle.check('VICTIM', ip)?.scope).toBe('identity');
    // ... and a new address gets one attempt, after which it is one of them.
    expect(throttle.check('VICTIM', 'evil-4')).toBeUndefined();
    throttle.recordFailure('VICTIM', 'evil-4');
    expect(throttle.check('VICTIM', 'evil-4')).toBeDefined();
    // The charger's own address never failed for it.
    expect(throttle.check('VICTIM', 'home')).toBeUndefined();
  });

  it('spraying many identities from one address blocks the address for new identities, not for those that logged in from it', () => {
    let t = 0;
    const throttle = new ConnectThrottle({ pairMaxFailures: 5, addressMaxIdentities: 10, baseBackoffMs: 1_000 }, () => t);
    throttle.recordSuccess('KNOWN', 'nat');
    for (let i = 0; i < 9; i++) throttle.recordFailure(`ID${i}`, 'nat');
    expect(throttle.check('FRESH', 'nat')).toBeUndefined();
    // The same identity failing again is no new identity.
    throttle.recordFailure('ID0', 'nat');
    expect(throttle.check('FRESH', 'nat')).toBeUndefined();
    throttle.recordFailure('ID9', 'nat');
    expect(throttle.check('FRESH', 'nat')).toEqual({ scope: 'address', retryAfterSeconds: 1 });
    expect(throttle.check('KNOWN', 'nat')).toBeUndefined();
    expect(throttle.check('FRESH', 'elsewhere')).toBeUndefined();
    // Every further failure from the address doubles its wait.
    t += 1_000;
    throttle.recordFailure('ID10', 'nat');
    expect(throttle.check('FRESH', 'nat')).toEqual({ scope: 'address', retryAfterSeconds: 2 });
  });

  it('a success clears its pair only', () => {
    const throttle = new ConnectThrottle({ pairMaxFailures: 2 }, () => 0);
    for (const ip of ['a', 'b']) for (let i = 0; i < 2; i++) throttle.recordFailure('X', ip);
    throttle.recordSuccess('X', 'a');
    expect(throttle.check('X', 'a')).toBeUndefined();
    expect(throttle.check('X', 'b')?.scope).toBe('pair');
  });

  it('stays bounded: beyond maxEntries the least recently touched key is dropped', () => {
    const throttle = new ConnectThrottle({ pairMaxFailures: 1, maxEntries: 100 }, () => 0);
    for (let i = 0; i < 1_000; i++) throttle.recordFailure(`ID${i}`, `10.0.${i >> 8}.${i & 255}`);
    expect(throttle.trackedKeys).toBe(300);
    expect(throttle.check('ID999', '10.0.3.231')).toEqual({ scope: 'pair', retryAfterSeconds: 1 });
    expect(throttle.check('ID0', '10.0.0.0')).toBeUndefined();
  });
});
