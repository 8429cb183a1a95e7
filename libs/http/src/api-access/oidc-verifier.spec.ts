import { startLocalOidcIssuer, type LocalOidcIssuer } from '#csms/testing';
import { OidcVerifier, readClaim } from './oidc-verifier.js';

let idp: LocalOidcIssuer;
const AUDIENCE = 'csms-api';

beforeAll(async () => {
  idp = await startLocalOidcIssuer();
});
afterAll(() => idp.close());

const verifier = (extra: Partial<ConstructorParameters<typeof OidcVerifier>[0]> = {}): OidcVerifier =>
  new OidcVerifier({ issuer: idp.issuer, audience: AUDIENCE, roleClaim: 'csms_role', jwksCooldownMs: 0, ...extra });

describe('OidcVerifier against a local issuer (discovery + JWKS over HTTP)', () => {
  it('accepts a token of the issuer for the audience, with the role of the claim', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: AUDIENCE, sub: 'alice', csms_role: 'operator' }));
    expect(outcome).toEqual({ ok: true, caller: { name: 'alice', role: 'operator', kind: 'oidc', subject: 'alice' } });
  });

  it('takes the highest role when the claim is an array, and names the caller by preferred_username', async () => {
    const outcome = await verifier().verify(
      await idp.token({ aud: [AUDIENCE, 'other'], sub: 'u-7', preferred_username: 'bob', csms_role: ['viewer', 'admin', 'x'] }),
    );
    expect(outcome).toEqual({ ok: true, caller: { name: 'bob', role: 'admin', kind: 'oidc', subject: 'u-7' } });
  });

  it('reads a nested claim (Keycloak realm_access.roles)', async () => {
    const v = verifier({ roleClaim: 'realm_access.roles' });
    const outcome = await v.verify(await idp.token({ aud: AUDIENCE, realm_access: { roles: ['offline_access', 'viewer'] } }));
    expect(outcome.ok && outcome.caller.role).toBe('viewer');
  });

  it('refuses an expired token with 401', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: AUDIENCE, csms_role: 'admin' }, { expiresInS: -120 }));
    expect(outcome).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('expired') });
  });

  it('refuses a token for another audience with 401', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: 'someone-else', csms_role: 'admin' }));
    expect(outcome).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('aud') });
  });

  it('refuses a token of another issuer with 401', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: AUDIENCE, iss: 'https://evil.example', csms_role: 'admin' }));
    expect(outcome).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a token signed with a key the issuer does not publish with 401', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: AUDIENCE, csms_role: 'admin' }, { key: 'unpublished' }));
    expect(outcome).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 403 for a valid token without a role of ours', async () => {
    const outcome = await verifier().verify(await idp.token({ aud: AUDIENCE, csms_role: 'superuser' }));
    expect(outcome).toMatchObject({ ok: false, status: 403 });
  });

  it('follows a key rotation: a token signed with the new key verifies after the JWKS is fetched again; the old key stops working', async () => {
    const v = verifier();
    const before = await idp.token({ aud: AUDIENCE, csms_role: 'viewer' });
    expect((await v.verify(before)).ok).toBe(true);
    const fetchesBefore = idp.jwksFetches();
    await idp.rotate();
    const after = await idp.token({ aud: AUDIENCE, csms_role: 'viewer' });
    expect((await v.verify(after)).ok).toBe(true);
    expect(idp.jwksFetches()).toBeGreaterThan(fetchesBefore);
    // The keys cached before the rotation are still trusted until jose refetches (cacheMaxAge): a fresh verifier sees only the new set.
    expect(await verifier().verify(before)).toMatchObject({ ok: false, status: 401 });
  });

  it('answers 503 (not 401) when the issuer cannot be reached, and retries later', async () => {
    const v = new OidcVerifier({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE, roleClaim: 'csms_role', discoveryRetryMs: 0 });
    const token = await idp.token({ aud: AUDIENCE, csms_role: 'viewer' });
    expect(await v.verify(token)).toMatchObject({ ok: false, status: 503 });
  });

  it('readClaim: a claim named with a dot is read as it is before being read as a path', () => {
    expect(readClaim({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(readClaim({ a: { b: 2 } }, 'a.b')).toBe(2);
    expect(readClaim({ a: 'x' }, 'a.b')).toBeUndefined();
  });
});
