import { HttpException } from '@nestjs/common';
import { createBus, type Bus, type Subscription } from '#csms/bus';
import { ok } from '../service-reply.js';
import { BusApiTokenDirectory, type KnownApiToken } from './token-directory.js';
import * as authVerbs from '#csms/auth/verbs';

let bus: Bus;
let served: Subscription | undefined;
const asked: string[] = [];
const table = new Map<string, KnownApiToken>();
let now = 1_000_000;

/** Auth's side of api.auth.verifyApiToken, on the real in-process bus. */
async function serveAuth(): Promise<void> {
  served = await bus.serve<{ tokenHash: string }, unknown>(authVerbs.verifyApiToken.subject, ({ tokenHash }) => {
    asked.push(tokenHash);
    return Promise.resolve(ok(table.get(tokenHash) ?? null));
  });
}

beforeAll(async () => {
  bus = await createBus({ name: 'token-directory-spec' });
  await serveAuth();
});
afterAll(() => bus.close());

describe('BusApiTokenDirectory', () => {
  const fresh = (): BusApiTokenDirectory => new BusApiTokenDirectory(bus, { knownTtlMs: 10_000, unknownTtlMs: 2_000, maxEntries: 3, now: () => now });

  it('asks auth once, then answers from its cache until the known-token TTL ends', async () => {
    const d = fresh();
    table.set('h1', { id: '1', name: 'wallboard', role: 'viewer' });
    asked.length = 0;
    expect(await d.lookup('h1')).toEqual({ id: '1', name: 'wallboard', role: 'viewer' });
    table.delete('h1'); // revoked elsewhere
    now += 9_999;
    expect(await d.lookup('h1')).toMatchObject({ name: 'wallboard' });
    now += 1;
    expect(await d.lookup('h1')).toBeUndefined();
    expect(asked).toEqual(['h1', 'h1']);
  });

  it('an unknown token is asked again after the shorter TTL (a token just made on another replica)', async () => {
    const d = fresh();
    asked.length = 0;
    expect(await d.lookup('h2')).toBeUndefined();
    table.set('h2', { id: '2', name: 'new', role: 'operator' });
    now += 1_999;
    expect(await d.lookup('h2')).toBeUndefined();
    now += 1;
    expect(await d.lookup('h2')).toMatchObject({ name: 'new' });
    expect(asked).toEqual(['h2', 'h2']);
  });

  it('forgetAll drops every cached answer (a revocation on this replica applies at once)', async () => {
    const d = fresh();
    table.set('h3', { id: '3', name: 'x', role: 'admin' });
    await d.lookup('h3');
    table.delete('h3');
    d.forgetAll();
    expect(await d.lookup('h3')).toBeUndefined();
  });

  it('holds at most maxEntries answers: a flood of random tokens cannot grow memory', async () => {
    const d = fresh();
    asked.length = 0;
    for (const h of ['a', 'b', 'c', 'd']) await d.lookup(h);
    await d.lookup('a'); // evicted first
    await d.lookup('d'); // still cached
    expect(asked).toEqual(['a', 'b', 'c', 'd', 'a']);
  });

  it('auth not answering is a 503, never "unknown token"', async () => {
    await served?.unsubscribe();
    const err = await fresh()
      .lookup('h9')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpException);
    expect((err as HttpException).getStatus()).toBe(503);
    await serveAuth();
  });
});
