import { VerifiedCredentials } from './verified-credentials.js';

const pw = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('VerifiedCredentials', () => {
  let clock: number;
  const cache = (options: { maxEntries?: number; ttlMs?: number } = {}): VerifiedCredentials => new VerifiedCredentials({ ...options, now: () => clock });

  beforeEach(() => {
    clock = 1_000_000;
  });

  it('matches the remembered password for the same charger and stored hash only', () => {
    const c = cache();
    expect(c.matches('ZAP1', 'hash-a', pw('secret'))).toBe(false);
    c.remember('ZAP1', 'hash-a', pw('secret'));
    expect(c.matches('ZAP1', 'hash-a', pw('secret'))).toBe(true);
    expect(c.matches('ZAP1', 'hash-a', pw('secreT'))).toBe(false);
    expect(c.matches('ZAP1', 'hash-a', pw(''))).toBe(false);
    expect(c.matches('ZAP2', 'hash-a', pw('secret'))).toBe(false);
    // A changed credential (promoted rotation, re-registration) misses by itself.
    expect(c.matches('ZAP1', 'hash-b', pw('secret'))).toBe(false);
    expect(c.size).toBe(1);
  });

  it('compares the exact password bytes', () => {
    const c = cache();
    c.remember('ZAP1', 'h', Buffer.from([0x00, 0xff, 0x41]));
    expect(c.matches('ZAP1', 'h', new Uint8Array([0x00, 0xff, 0x41]))).toBe(true);
    expect(c.matches('ZAP1', 'h', new Uint8Array([0x00, 0xff]))).toBe(false);
  });

  it('keeps no password, only a 32-byte digest that differs between processes (instances)', () => {
    const a = cache();
    const b = cache();
    a.remember('ZAP1', 'h', pw('correct-horse-battery'));
    b.remember('ZAP1', 'h', pw('correct-horse-battery'));
    const entryOf = (c: VerifiedCredentials) => (c as unknown as { entries: Map<string, { digest: Buffer }> }).entries.get('ZAP1')!;
    expect(Object.keys(entryOf(a)).sort()).toEqual(['at', 'digest', 'storedHash']);
    expect(entryOf(a).digest).toHaveLength(32);
    expect(entryOf(a).digest.includes(pw('correct-horse-battery'))).toBe(false);
    expect(entryOf(a).digest.equals(entryOf(b).digest)).toBe(false);
    // Each instance only knows its own digests.
    expect(b.matches('ZAP1', 'h', pw('correct-horse-battery'))).toBe(true);
  });

  it('misses once the entry is as old as the TTL, counted from remember (hits do not extend it)', () => {
    const c = cache({ ttlMs: 60_000 });
    c.remember('ZAP1', 'h', pw('p'));
    clock += 59_999;
    expect(c.matches('ZAP1', 'h', pw('p'))).toBe(true);
    clock += 1;
    expect(c.matches('ZAP1', 'h', pw('p'))).toBe(false);
    expect(c.size).toBe(0);
    c.remember('ZAP1', 'h', pw('p'));
    expect(c.matches('ZAP1', 'h', pw('p'))).toBe(true);
  });

  it('drops the least recently used charger beyond maxEntries; a hit counts as use', () => {
    const c = cache({ maxEntries: 2 });
    c.remember('A', 'h', pw('a'));
    c.remember('B', 'h', pw('b'));
    expect(c.matches('A', 'h', pw('a'))).toBe(true); // A is now the most recent
    c.remember('C', 'h', pw('c'));
    expect(c.size).toBe(2);
    expect(c.matches('B', 'h', pw('b'))).toBe(false);
    expect(c.matches('A', 'h', pw('a'))).toBe(true);
    expect(c.matches('C', 'h', pw('c'))).toBe(true);
    // Remembering an existing charger again replaces it, it does not grow the map.
    c.remember('A', 'h2', pw('a2'));
    expect(c.size).toBe(2);
    expect(c.matches('A', 'h', pw('a'))).toBe(false);
    expect(c.matches('A', 'h2', pw('a2'))).toBe(true);
  });

  it('maxEntries 0 disables it', () => {
    const c = cache({ maxEntries: 0 });
    c.remember('ZAP1', 'h', pw('p'));
    expect(c.size).toBe(0);
    expect(c.matches('ZAP1', 'h', pw('p'))).toBe(false);
  });

  it('forget drops one charger', () => {
    const c = cache();
    c.remember('A', 'h', pw('a'));
    c.remember('B', 'h', pw('b'));
    c.forget('A');
    c.forget('nobody');
    expect(c.matches('A', 'h', pw('a'))).toBe(false);
    expect(c.matches('B', 'h', pw('b'))).toBe(true);
    expect(c.size).toBe(1);
  });
});
