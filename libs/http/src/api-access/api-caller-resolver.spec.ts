import { ApiCallerResolver } from './api-caller-resolver.js';
import { hashApiToken, newApiToken } from './api-token.js';
import { isLoopbackAddress } from './loopback.js';
import type { ApiTokenDirectory, KnownApiToken } from './token-directory.js';

const ADMIN = 'a'.repeat(40);
const viewerToken = newApiToken();

/** The directory as auth answers it: a table of hashes (the resolver must never send the token itself). */
function directory(tokens: Record<string, KnownApiToken>): ApiTokenDirectory & { asked: string[] } {
  const asked: string[] = [];
  return { asked, lookup: async (hash) => (asked.push(hash), tokens[hash]), forgetAll: () => undefined };
}

const dir = directory({ [hashApiToken(viewerToken)]: { id: 't1', name: 'wallboard', role: 'viewer' } });

describe('ApiCallerResolver', () => {
  const trusted = new ApiCallerResolver({ mode: 'loopback-trusted', adminToken: ADMIN }, dir);
  const strict = new ApiCallerResolver({ mode: 'token', adminToken: ADMIN }, dir);

  it('loopback-trusted: no token from loopback acts as admin', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.8.9.10']) {
      expect(await trusted.resolve({ remoteAddress })).toEqual({ ok: true, caller: { name: 'loopback', role: 'admin', kind: 'loopback' } });
    }
  });

  it('loopback-trusted: no token from any other address is 401 (a proxy in front is not loopback to us either)', async () => {
    for (const remoteAddress of ['10.0.0.7', '::ffff:10.0.0.7', '192.168.1.2', 'fe80::1', undefined]) {
      expect(await trusted.resolve({ remoteAddress })).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('token mode: no token is 401, even from loopback', async () => {
    expect(await strict.resolve({ remoteAddress: '127.0.0.1' })).toMatchObject({ ok: false, status: 401, error: 'unauthorized' });
  });

  it('a token decides also from loopback: a viewer token on the laptop is a viewer', async () => {
    expect(await trusted.resolve({ token: viewerToken, remoteAddress: '127.0.0.1' })).toEqual({
      ok: true,
      caller: { name: 'wallboard', role: 'viewer', kind: 'token', subject: 't1' },
    });
  });

  it('asks the directory by hash, never with the token', async () => {
    await strict.resolve({ token: viewerToken });
    expect(dir.asked).toContain(hashApiToken(viewerToken));
    expect(dir.asked).not.toContain(viewerToken);
  });

  it('API_ADMIN_TOKEN is admin without asking the directory', async () => {
    const before = dir.asked.length;
    expect(await strict.resolve({ token: ADMIN, remoteAddress: '10.1.1.1' })).toEqual({
      ok: true,
      caller: { name: 'API_ADMIN_TOKEN', role: 'admin', kind: 'token' },
    });
    expect(dir.asked.length).toBe(before);
  });

  it('an unknown token is 401, from loopback too (it is not ignored in favour of loopback trust)', async () => {
    expect(await trusted.resolve({ token: 'csms_nope', remoteAddress: '127.0.0.1' })).toMatchObject({ ok: false, status: 401 });
  });

  it('a JWT-shaped token goes to OIDC only when an issuer is configured', async () => {
    const jwtLike = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(await strict.resolve({ token: jwtLike })).toMatchObject({ ok: false, status: 401 });
    const oidc = { verify: async () => ({ ok: true as const, caller: { name: 'x', role: 'operator' as const, kind: 'oidc' as const, subject: 'x' } }) };
    const withOidc = new ApiCallerResolver({ mode: 'token' }, dir, oidc as never);
    expect(await withOidc.resolve({ token: jwtLike })).toMatchObject({ ok: true, caller: { kind: 'oidc', role: 'operator' } });
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::', false],
    ['0.0.0.0', false],
    ['', false],
    [undefined, false],
    ['localhost', false],
  ])('%s -> %s', (address, expected) => expect(isLoopbackAddress(address)).toBe(expected));
});
