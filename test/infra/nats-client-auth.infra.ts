/**
 * NATS as operators run it (docs/reference/design-decisions.md#deployment): a nats-server requiring user/password (and an nkey user),
 * one requiring TLS with client certificates (made here with openssl), and a service connecting with
 * the NATS_* variables. A refused credential stops start-up at once with a message naming the
 * variables, instead of retrying for minutes.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { WebSocket } from 'ws';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(180_000);

/**
 * The all-in-one on NATS and one PostgreSQL database for the file: migrated by the first start, so
 * each later start reaches NATS in seconds (the embedded database would migrate afresh every time).
 */
let db: { url: string; drop(): Promise<void> } | undefined;
async function databaseUrl(): Promise<string> {
  db ??= await createTestDatabase();
  return db.url;
}
afterAll(async () => {
  await db?.drop();
});

/** BootNotification over the service's bus (auth and config-manager answer over NATS). */
async function bootAccepted(csms: ServiceProcess, id: string): Promise<string> {
  const ws = new WebSocket(`${csms.ocppUrl}/${id}`, ['ocpp1.6']);
  const reply = new Promise<unknown[]>((res, rej) => ws.once('message', (d) => res(JSON.parse(d.toString()) as unknown[])).once('error', rej));
  await new Promise((res, rej) => ws.once('open', res).once('error', rej));
  ws.send(JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }]));
  const [, , payload] = await reply;
  ws.close();
  return (payload as { status: string }).status;
}

/** Starts the all-in-one on NATS (embedded database) and expects it to give up: its exit code and output. */
async function refused(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const csms = await startService({ env: { DATABASE_URL: await databaseUrl(), ...env }, waitFor: 'none' });
  const code = await csms.exited;
  return { code, output: csms.output() };
}

describeInfra('NATS with user/password and nkey users', () => {
  let nats: NatsServerHandle;
  let seedFile: string;
  let csms: ServiceProcess | undefined;

  beforeAll(async () => {
    const nkeyUser = nkeys.createUser();
    seedFile = join(tempDir('csms-nkey-'), 'csms.nk');
    writeFileSync(seedFile, new TextDecoder().decode(nkeyUser.getSeed()), { mode: 0o600 });
    nats = await startNatsServer({
      jetstream: true,
      config: `authorization { users: [ { user: csms, password: "s3cret pass" }, { nkey: ${nkeyUser.getPublicKey()} } ] }\n`,
    });
  });
  afterEach(async () => {
    await csms?.stop();
    csms = undefined;
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  test('NATS_USER/NATS_PASSWORD: the service starts and serves a charger over NATS', async () => {
    csms = await startService({ env: { DATABASE_URL: await databaseUrl(), NATS_URL: nats.url, NATS_USER: 'csms', NATS_PASSWORD: 's3cret pass' } });
    expect(await bootAccepted(csms, 'NATS-USER-1')).toBe('Accepted');
  });

  test('NATS_NKEY_SEED_FILE: the service starts with the nkey user', async () => {
    csms = await startService({ env: { DATABASE_URL: await databaseUrl(), NATS_URL: nats.url, NATS_NKEY_SEED_FILE: seedFile } });
    expect(await bootAccepted(csms, 'NATS-NKEY-1')).toBe('Accepted');
  });

  test('a wrong password stops start-up at once, naming the variables (no retries)', async () => {
    const { code, output } = await refused({ NATS_URL: nats.url, NATS_USER: 'csms', NATS_PASSWORD: 'wrong' });
    expect(code).toBe(1);
    expect(output).toMatch(/csms failed to start: NATS refused the credentials of NATS_USER, NATS_PASSWORD: Authorization Violation/);
    expect(output).not.toContain('waiting for NATS');
    expect(output).not.toContain('wrong');
  });

  test('no credentials against a server that requires them: stops, telling which variables to set', async () => {
    const { code, output } = await refused({ NATS_URL: nats.url });
    expect(code).toBe(1);
    expect(output).toMatch(/NATS refused a connection without credentials \(set NATS_USER\/NATS_PASSWORD, NATS_TOKEN/);
  });

  test('an unreadable seed file stops start-up naming NATS_NKEY_SEED_FILE', async () => {
    const { code, output } = await refused({ NATS_URL: nats.url, NATS_NKEY_SEED_FILE: '/nonexistent/csms.nk' });
    expect(code).toBe(1);
    expect(output).toMatch(/NATS_NKEY_SEED_FILE: cannot read \/nonexistent\/csms.nk \(ENOENT\)/);
  });
});

describeInfra('NATS with TLS and client certificates', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let csms: ServiceProcess | undefined;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = tempDir('csms-nats-tls-');
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    for (const ca of ['ca', 'other-ca'])
      ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=${ca}`);
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=csms-client');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
    nats = await startNatsServer({
      jetstream: true,
      config: [
        `tls { cert_file: "${file('server.pem')}", key_file: "${file('server.key')}", ca_file: "${file('ca.pem')}", verify: true }`,
        'authorization { user: csms, password: tls-pass }',
        '',
      ].join('\n'),
    });
  });
  afterEach(async () => {
    await csms?.stop();
    csms = undefined;
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  const tlsEnv = (): Record<string, string> => ({
    NATS_URL: nats.url,
    NATS_USER: 'csms',
    NATS_PASSWORD: 'tls-pass',
    NATS_TLS_CA_FILE: file('ca.pem'),
    NATS_TLS_CERT_FILE: file('client.pem'),
    NATS_TLS_KEY_FILE: file('client.key'),
  });

  test('NATS_TLS_CA_FILE, NATS_TLS_CERT_FILE, NATS_TLS_KEY_FILE: the service starts and serves a charger', async () => {
    csms = await startService({ env: { DATABASE_URL: await databaseUrl(), ...tlsEnv() } });
    expect(await bootAccepted(csms, 'NATS-TLS-1')).toBe('Accepted');
  });

  test('a CA that did not sign the server certificate stops start-up naming the TLS variables', async () => {
    const { code, output } = await refused({ ...tlsEnv(), NATS_TLS_CA_FILE: file('other-ca.pem') });
    expect(code).toBe(1);
    expect(output).toMatch(/NATS TLS with NATS_TLS_CA_FILE, NATS_TLS_CERT_FILE, NATS_TLS_KEY_FILE failed/);
    expect(output).not.toContain('waiting for NATS');
  });
});
