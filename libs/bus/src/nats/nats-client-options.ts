/**
 * NATS credentials and TLS as operators configure them (NATS_USER/NATS_PASSWORD, NATS_TOKEN,
 * NATS_NKEY_SEED_FILE, NATS_CREDS_FILE, NATS_TLS_*): the connect options they become, and the error a
 * refusal becomes. A refused credential is permanent until the pod gets new variables, so start-up
 * stops at once naming them instead of retrying for minutes (libs/runtime waitFor).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { NatsClientConfig } from '#csms/config';
import { AuthorizationError, ConnectionError, credsAuthenticator, nkeyAuthenticator, type Authenticator, type ConnectionOptions } from '@nats-io/nats-core';

/** Start-up cannot go on with these settings; retrying will not help. */
export class NatsClientSettingsError extends Error {
  readonly permanent = true;
  constructor(
    readonly code: 'NATS_AUTH_REFUSED' | 'NATS_TLS_FAILED' | 'NATS_FILE_UNREADABLE',
    readonly variables: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'NatsClientSettingsError';
  }
}

/** The variables behind the credentials in use, for messages. */
export function credentialVariables(s: NatsClientConfig): string[] {
  return [
    ...(s.user !== undefined ? ['NATS_USER', 'NATS_PASSWORD'] : []),
    ...(s.token !== undefined ? ['NATS_TOKEN'] : []),
    ...(s.nkeySeedFile !== undefined ? ['NATS_NKEY_SEED_FILE'] : []),
    ...(s.credsFile !== undefined ? ['NATS_CREDS_FILE'] : []),
  ];
}

function tlsVariables(s: NatsClientConfig): string[] {
  const t = s.tls ?? {};
  return [...(t.caFile ? ['NATS_TLS_CA_FILE'] : []), ...(t.certFile ? ['NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE'] : [])];
}

function readable(variable: string, file: string): void {
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new NatsClientSettingsError(
      'NATS_FILE_UNREADABLE',
      [variable],
      `${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/**
 * Connect options for the settings. Seed and creds files are read on every (re)connect, and the TLS
 * files by the node transport likewise, so a Secret rotated in place is picked up by the next
 * reconnect without a restart.
 */
export function natsClientOptions(s: NatsClientConfig): Partial<ConnectionOptions> {
  const files: Array<[string, string | undefined]> = [
    ['NATS_NKEY_SEED_FILE', s.nkeySeedFile],
    ['NATS_CREDS_FILE', s.credsFile],
    ['NATS_TLS_CA_FILE', s.tls?.caFile],
    ['NATS_TLS_CERT_FILE', s.tls?.certFile],
    ['NATS_TLS_KEY_FILE', s.tls?.keyFile],
  ];
  for (const [variable, file] of files) if (file) readable(variable, file);
  const authenticators: Authenticator[] = [];
  if (s.nkeySeedFile) {
    const file = s.nkeySeedFile;
    authenticators.push(nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, 'utf8').trim())));
  }
  if (s.credsFile) {
    const file = s.credsFile;
    authenticators.push(credsAuthenticator(() => readFileSync(file)));
  }
  return {
    ...(s.user !== undefined ? { user: s.user, pass: s.password } : {}),
    ...(s.token !== undefined ? { token: s.token } : {}),
    ...(authenticators.length ? { authenticator: authenticators } : {}),
    ...(s.tls
      ? { tls: { ...(s.tls.caFile ? { caFile: s.tls.caFile } : {}), ...(s.tls.certFile ? { certFile: s.tls.certFile, keyFile: s.tls.keyFile } : {}) } }
      : {}),
  };
}

/** A connect failure in terms of the variables that caused it; other failures pass unchanged (retried). */
export function explainConnectFailure(err: unknown, s: NatsClientConfig): unknown {
  if (err instanceof AuthorizationError) {
    const vars = credentialVariables(s);
    const which = vars.length
      ? `the credentials of ${vars.join(', ')}`
      : 'a connection without credentials (set NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED_FILE or NATS_CREDS_FILE)';
    return new NatsClientSettingsError('NATS_AUTH_REFUSED', vars, `NATS refused ${which}: ${err.message}`);
  }
  const tlsVars = tlsVariables(s);
  // TLS handshake failures (unknown CA, bad client certificate, a server without TLS) come as
  // ConnectionError or as node's TLS errors, whose codes name the certificate problem.
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (
    tlsVars.length &&
    ((err instanceof ConnectionError && /tls/i.test(message)) ||
      /CERT|SELF_SIGNED|UNABLE_TO|ERR_SSL|ERR_TLS/.test(code) ||
      /certificate|ssl|tls alert/i.test(message))
  ) {
    return new NatsClientSettingsError('NATS_TLS_FAILED', tlsVars, `NATS TLS with ${tlsVars.join(', ')} failed: ${message}`);
  }
  return err;
}
