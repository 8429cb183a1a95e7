import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizationError, nkeys } from '@nats-io/nats-core';
import { explainConnectFailure, natsClientOptions, NatsClientSettingsError } from './nats-client-options.js';

describe('natsClientOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nats-client-'));
  const user = nkeys.createUser();
  const seedFile = join(dir, 'user.nk');
  writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`);

  it('passes user/password and token as NATS connect options', () => {
    expect(natsClientOptions({})).toEqual({});
    expect(natsClientOptions({ user: 'u', password: 'p' })).toEqual({ user: 'u', pass: 'p' });
    expect(natsClientOptions({ token: 't' })).toEqual({ token: 't' });
  });
  it('signs the server nonce with the seed read from NATS_NKEY_SEED_FILE (at each connect)', () => {
    const [auth] = natsClientOptions({ nkeySeedFile: seedFile }).authenticator as Array<(nonce?: string) => { nkey: string; sig: string }>;
    const signed = auth('nonce-1');
    expect(signed.nkey).toBe(user.getPublicKey());
    expect(nkeys.fromPublic(signed.nkey).verify(new TextEncoder().encode('nonce-1'), Uint8Array.from(Buffer.from(signed.sig, 'base64url')))).toBe(true);
  });
  it('hands the TLS files to the transport, which reads them at each connect', () => {
    writeFileSync(join(dir, 'ca.pem'), 'x');
    expect(natsClientOptions({ tls: { caFile: join(dir, 'ca.pem') } })).toEqual({ tls: { caFile: join(dir, 'ca.pem') } });
  });
  it('refuses an unreadable file naming its variable', () => {
    expect(() => natsClientOptions({ credsFile: join(dir, 'missing.creds') })).toThrow('NATS_CREDS_FILE: cannot read');
  });
  it('turns an authorization refusal into a permanent error naming the variables in use', () => {
    const err = explainConnectFailure(new AuthorizationError('Authorization Violation'), { token: 'secret-token' });
    expect(err).toBeInstanceOf(NatsClientSettingsError);
    expect(err).toMatchObject({ code: 'NATS_AUTH_REFUSED', permanent: true, variables: ['NATS_TOKEN'] });
    expect((err as Error).message).toBe('NATS refused the credentials of NATS_TOKEN: Authorization Violation');
    expect((err as Error).message).not.toContain('secret-token');
    // Anything else (NATS not up yet) stays as it was: start-up keeps waiting for it.
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(explainConnectFailure(refused, { token: 't', tls: { caFile: '/ca' } })).toBe(refused);
  });
});
