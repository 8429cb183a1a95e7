import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of auth_server_secrets (all its columns). */
export interface AuthServerSecretsRow {
  name: string;
  secret: Uint8Array;
  created_at: Date;
}

export const AUTH_SERVER_SECRETS_TABLE = describeTable<AuthServerSecretsRow>()('auth_server_secrets', {
  name: 'text',
  secret: 'bytea',
  created_at: 'timestamp with time zone',
});
