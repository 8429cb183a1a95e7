import { sqlOf } from '#csms/persistence';
import type { DataSource } from 'typeorm';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { CredentialHasher, credentialSecretSource } from './credential-hasher.js';
import { keyedHashSecretId, secretId } from './password-hash.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');
const basicConnect = (id: string, password: string) => ({
  chargerId: id,
  remoteAddress: '10.0.0.7',
  tls: false,
  basic: { username: id, passwordBase64: Buffer.from(password).toString('base64') },
});

describe('credential hashing: keyed hash for generated secrets, scrypt for chosen ones', () => {
  let db: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
  }, 60_000);
  afterAll(() => close());

  const storedHash = async (id: string): Promise<string> => {
    const rows: Array<{ password_hash: string }> = await sqlOf(db).query(`SELECT password_hash FROM auth_chargers WHERE charger_id = $1`, [id]);
    return rows[0].password_hash;
  };

  it('a password the CSMS generates is stored as HMAC-SHA-256, one the operator chose as scrypt', async () => {
    const registry = new ChargerRegistryService(db);
    const generated = await registry.registerCharger({ id: 'HASH-GEN-1', securityProfile: 1 });
    const chosen = await registry.registerCharger({ id: 'HASH-CHOSEN-1', securityProfile: 1, password: 'operator-picked-pw' });
    expect(generated.ok && chosen.ok).toBe(true);
    expect(await storedHash('HASH-GEN-1')).toMatch(/^hmac-sha256\$[0-9a-f]{16}\$[A-Za-z0-9+/]{43}=$/);
    expect(await storedHash('HASH-CHOSEN-1')).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  it('a charger connects with its generated password, and is refused with any other', async () => {
    const registry = new ChargerRegistryService(db);
    const reply = await registry.registerCharger({ id: 'HASH-GEN-2', securityProfile: 1 });
    if (!reply.ok) throw new Error('registration failed');
    const password = reply.data.generatedPassword!;
    const decide = new ConnectDecisionService(registry, new SecurityEventsService(db), { unknownChargers: 'reject' }, new ConnectThrottle());
    expect(await decide.decide(basicConnect('HASH-GEN-2', password))).toEqual({ decision: 'accept', chargerId: 'HASH-GEN-2' });
    expect(await decide.decide(basicConnect('HASH-GEN-2', password.toLowerCase()))).toMatchObject({ decision: 'unauthorized' });
    // Verified keyed hashes are not remembered: the scrypt cache stays for scrypt.
    expect(decide.verifiedCredentials.size).toBe(0);
  });

  it('every auth replica on one database uses the one generated server secret', async () => {
    const a = new ChargerRegistryService(db);
    const reply = await a.registerCharger({ id: 'HASH-GEN-3', securityProfile: 1 });
    if (!reply.ok) throw new Error('registration failed');
    const b = new ChargerRegistryService(db);
    expect(await b.hasher.verify(bytes(reply.data.generatedPassword!), await storedHash('HASH-GEN-3'))).toBe(true);
  });

  it('AUTH_CREDENTIAL_SECRET: the first secret hashes, the others and the database one still verify, an unknown one does not', async () => {
    const fromDb = await new CredentialHasher(credentialSecretSource(db)).hash(bytes('pw-under-db-secret'), 'generated');
    const oldSecret = bytes('o'.repeat(40));
    const newSecret = bytes('n'.repeat(40));
    const underOld = await new CredentialHasher(credentialSecretSource(db, [oldSecret])).hash(bytes('pw-under-old'), 'generated');
    const hasher = new CredentialHasher(credentialSecretSource(db, [newSecret, oldSecret]));
    const underNew = await hasher.hash(bytes('pw-under-new'), 'generated');
    expect(keyedHashSecretId(underNew)).toBe(secretId(newSecret));
    expect(await hasher.verify(bytes('pw-under-new'), underNew)).toBe(true);
    expect(await hasher.verify(bytes('pw-under-old'), underOld)).toBe(true);
    expect(await hasher.verify(bytes('pw-under-db-secret'), fromDb)).toBe(true);
    expect(await hasher.verify(bytes('pw-under-old'), underNew)).toBe(false);
    const stranger = new CredentialHasher(credentialSecretSource(db, [bytes('s'.repeat(40))]));
    expect(await stranger.verify(bytes('pw-under-old'), underOld)).toBe(false);
  });

  it('a malformed keyed hash never verifies', async () => {
    const hasher = new CredentialHasher(credentialSecretSource(db));
    const good = await hasher.hash(bytes('pw'), 'generated');
    expect(await hasher.verify(bytes('pw'), `${good}$extra`)).toBe(false);
    expect(await hasher.verify(bytes('pw'), good.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
  });
});
