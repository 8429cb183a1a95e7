/**
 * Charger authentication at the WebSocket upgrade (docs/reference/design-decisions.md#charger-authentication), over
 * real sockets: security profile 1
 * (Basic Auth over ws), 2 (TLS + Basic Auth over wss, certificate made here) and 3 (mutual TLS,
 * CN = identity), with the statuses a charger sees: 401 bad credentials, 404 unknown identity.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { apiClient } from '../support/api-client.js';
import { startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

function basic(user: string, password: string | Buffer): string {
  return 'Basic ' + Buffer.concat([Buffer.from(`${user}:`), Buffer.isBuffer(password) ? password : Buffer.from(password)]).toString('base64');
}

/** Opens a socket; resolves 'open' or the HTTP status of the refused upgrade. */
function attempt(url: string, headers: Record<string, string> = {}, tls: Record<string, unknown> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['ocpp1.6'], { headers, ...tls });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

describe('profile 1 over ws, unknown chargers rejected', () => {
  let csms: ServiceProcess;
  beforeAll(async () => {
    csms = await startService({ env: { UNKNOWN_CHARGERS: 'reject' } });
  });
  afterAll(async () => {
    await csms?.stop();
  });

  test('register, then right password connects; wrong password, wrong username, missing header, unknown identity refused', async () => {
    const api = apiClient(csms.apiUrl);
    const reg = await api.post('/api/v1/chargers', { id: 'ZAP200001', securityProfile: 1, password: 'correct horse battery' });
    expect(reg.status).toBe(201);
    expect(JSON.stringify(reg.body)).not.toContain('correct horse battery');
    expect((await api.post('/api/v1/chargers', { id: 'ZAP200001', securityProfile: 1 })).status).toBe(409);
    const bad = await api.post('/api/v1/chargers', { id: 'ZAP200009', securityProfile: 7 });
    expect([400, 422]).toContain(bad.status);
    expect(JSON.stringify(bad.body)).toContain('securityProfile');

    const url = `${csms.ocppUrl}/ZAP200001`;
    expect(await attempt(url, { Authorization: basic('ZAP200001', 'correct horse battery') })).toBe('open');
    expect(await attempt(url, { Authorization: basic('ZAP200001', 'wrong') })).toBe(401);
    expect(await attempt(url, { Authorization: basic('ZAP999999', 'correct horse battery') })).toBe(401);
    // No Basic Auth at all = security profile 0: lower than the recorded profile 1.
    expect(await attempt(url)).toBe(401);
    expect(await attempt(`${csms.ocppUrl}/UNKNOWN-1`, { Authorization: basic('UNKNOWN-1', 'whatever') })).toBe(404);

    const events = await api.get('/api/v1/chargers/ZAP200001/security-events');
    expect(events.status).toBe(200);
    expect(JSON.stringify(events.body)).toContain('127.0.0.1');
    const metrics = await api.get('/metrics');
    expect(metrics.text).toMatch(/ocpp_upgrade_refusals_total\{[^}]*status="401"[^}]*\} [1-9]/);
  });

  test('the legacy lowercase zap identity is the same charger', async () => {
    expect(await attempt(`${csms.ocppUrl}/zap200001`, { Authorization: basic('zap200001', 'correct horse battery') })).toBe('open');
  });
});

describe('profiles 2 and 3 over wss (certificates made in the test)', () => {
  let csms: ServiceProcess;
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = tempDir('csms-tls-');
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CPO CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    require_ext(dir);
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=ZAP300003/O=Test CPO');
    ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
    csms = await startService({
      env: { UNKNOWN_CHARGERS: 'reject', TLS_CERT_FILE: file('server.pem'), TLS_KEY_FILE: file('server.key'), TLS_CA_FILE: file('ca.pem') },
    });
  });
  afterAll(async () => {
    await csms?.stop();
  });

  test('profile 2: TLS 1.2+ with Basic Auth', async () => {
    const api = apiClient(csms.apiUrl);
    expect((await api.post('/api/v1/chargers', { id: 'ZAP300002', securityProfile: 2, password: 'tls-password-123456' })).status).toBe(201);
    const wss = csms.ocppUrl.replace('ws://', 'wss://').replace('127.0.0.1', 'localhost');
    const ca = readFileSync(file('ca.pem'));
    expect(await attempt(`${wss}/ZAP300002`, { Authorization: basic('ZAP300002', 'tls-password-123456') }, { ca })).toBe('open');
    expect(await attempt(`${wss}/ZAP300002`, { Authorization: basic('ZAP300002', 'nope') }, { ca })).toBe(401);
    // TLS 1.1 is refused by the server (TLS 1.2 or newer).
    expect(
      await attempt(`${wss}/ZAP300002`, { Authorization: basic('ZAP300002', 'tls-password-123456') }, { ca, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }),
    ).toBe(0);
  });

  test('profile 3: a client certificate whose CN is the identity', async () => {
    const api = apiClient(csms.apiUrl);
    expect((await api.post('/api/v1/chargers', { id: 'ZAP300003', securityProfile: 3 })).status).toBe(201);
    const wss = csms.ocppUrl.replace('ws://', 'wss://').replace('127.0.0.1', 'localhost');
    const ca = readFileSync(file('ca.pem'));
    const cert = readFileSync(file('client.pem'));
    const key = readFileSync(file('client.key'));
    expect(await attempt(`${wss}/ZAP300003`, {}, { ca, cert, key })).toBe('open');
    // Without the certificate it is a lower profile: refused.
    expect(await attempt(`${wss}/ZAP300003`, { Authorization: basic('ZAP300003', 'x') }, { ca })).toBe(401);
  });
});

function require_ext(dir: string): void {
  execFileSync('sh', ['-c', "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext"], { cwd: dir });
}

describe('UNKNOWN_CHARGERS=pending: BootNotification Pending until an operator accepts', () => {
  let csms: ServiceProcess;
  beforeAll(async () => {
    csms = await startService({ env: { UNKNOWN_CHARGERS: 'pending' } });
  });
  afterAll(async () => {
    await csms?.stop();
  });

  test('Pending, no remote start while Pending, then Accepted after PATCH registration', async () => {
    const ws = new WebSocket(`${csms.ocppUrl}/NEW-CHARGER-1`, ['ocpp1.6']);
    const frames: unknown[][] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as unknown[]));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const boot = async (id: string): Promise<{ status: string }> => {
      ws.send(JSON.stringify([2, id, 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X' }]));
      for (;;) {
        const f = frames.find((x) => x[1] === id);
        if (f) return f[2] as { status: string };
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    expect((await boot('b1')).status).toBe('Pending');
    const api = apiClient(csms.apiUrl);
    // OCPP 1.6 §4.2.1: while Pending the CSMS may not send RemoteStartTransaction.
    const remote = await api.post('/api/v1/chargers/NEW-CHARGER-1/commands/RemoteStartTransaction', { idTag: 'X' });
    expect(remote.status).toBe(409);
    // (GetConfiguration/ChangeConfiguration are allowed while Pending: that is what Pending is for.)
    expect(frames.some((f) => f[0] === 2 && f[2] === 'RemoteStartTransaction')).toBe(false);
    expect((await api.patch('/api/v1/chargers/NEW-CHARGER-1/registration', { state: 'accepted' })).status).toBe(200);
    expect((await boot('b2')).status).toBe('Accepted');
    expect((await api.patch('/api/v1/chargers/NEW-CHARGER-1/registration', { state: 'sleeping' })).status).toBe(400);
    ws.close();
  });
});
