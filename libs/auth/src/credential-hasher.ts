import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import type { AuthServerSecretsRow } from './credential-hasher.rows.js';
import { hashPassword, keyedHash, keyedHashSecretId, secretId, verifyKeyedHash, verifyPassword } from './password-hash.js';

/**
 * Who chose a credential decides how it is hashed (docs/reference/design-decisions.md#credential-hashing):
 * `generated` (the CSMS made it from 160 random bits) gets HMAC-SHA-256 under the server secret, `chosen`
 * (an operator or a charger picked it, so it may be guessable) gets scrypt.
 */
export type CredentialOrigin = 'generated' | 'chosen';

const SECRET_NAME = 'credential-hmac';

/** The secret new hashes are made with, and every secret a stored hash may name (by its id). */
export interface CredentialSecrets {
  primary: Uint8Array;
  byId: Map<string, Uint8Array>;
}

/**
 * The server secrets. AUTH_CREDENTIAL_SECRET (from a Kubernetes Secret, so a copy of the database alone cannot
 * check guesses) lists them comma-separated: the first makes new hashes, the rest still verify (a change of
 * secret locks no charger out). Unset: one generated on the first start and kept in auth's database, where
 * every auth replica finds the same one (the first writer wins). The database's secret keeps verifying the
 * hashes made before AUTH_CREDENTIAL_SECRET was set.
 */
export function credentialSecretSource(db: DataSource, configured: Uint8Array[] = []): () => Promise<CredentialSecrets> {
  const sql = sqlOf(db);
  return async () => {
    if (configured.length === 0) {
      await sql.execute(`INSERT INTO auth_server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [SECRET_NAME, randomBytes(32)]);
    }
    const rows = await sql.query<Pick<AuthServerSecretsRow, 'secret'>>(`SELECT secret FROM auth_server_secrets WHERE name = $1`, [SECRET_NAME]);
    const all = [...configured, ...rows.map((r) => r.secret)];
    return { primary: all[0], byId: new Map(all.map((secret) => [secretId(secret), secret])) };
  };
}

/** Hashes and checks charger credentials of both kinds; old scrypt hashes keep verifying. */
export class CredentialHasher {
  private secret?: Promise<CredentialSecrets>;

  constructor(private readonly loadSecret: () => Promise<CredentialSecrets>) {}

  async hash(password: Uint8Array, origin: CredentialOrigin): Promise<string> {
    return origin === 'generated' ? keyedHash(password, (await this.secrets()).primary) : hashPassword(password);
  }

  async verify(password: Uint8Array, stored: string): Promise<boolean> {
    const id = keyedHashSecretId(stored);
    if (id === undefined) return verifyPassword(password, stored);
    const secret = (await this.secrets()).byId.get(id);
    return secret !== undefined && verifyKeyedHash(password, stored, secret) === true;
  }

  private secrets(): Promise<CredentialSecrets> {
    // A failed read (database briefly down) is not kept: the next connect tries again.
    this.secret ??= this.loadSecret().catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }
}
