/**
 * The charger-facing certificate renewed in place (docs/reference/design-decisions.md#deployment), the way the kubelet updates a mounted
 * Secret: new files in a fresh directory, then the `..data` symlink swapped atomically. New
 * connections get the new certificate, a connected charger keeps its socket and is answered, and a
 * key that does not match its certificate is refused with the current pair kept.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { eventually, startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(180_000);

describe('charger TLS certificate renewed while chargers are connected', () => {
  let dir: string;
  let secret: string;
  let csms: ServiceProcess;
  let generation = 0;
  const file = (name: string): string => join(dir, name);

  /** The kubelet's AtomicWriter: a new timestamped directory, then `..data` renamed over to it. */
  function publish(cert: string, key: string): void {
    const target = `..gen_${++generation}`;
    mkdirSync(join(secret, target));
    copyFileSync(file(cert), join(secret, target, 'tls.crt'));
    copyFileSync(file(key), join(secret, target, 'tls.key'));
    symlinkSync(target, join(secret, '..data_tmp'));
    renameSync(join(secret, '..data_tmp'), join(secret, '..data'));
  }

  /** SHA-256 fingerprint of the certificate a new TLS connection is given. */
  function servedFingerprint(): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: csms.ocppPort as number, servername: 'localhost', rejectUnauthorized: false }, () => {
        const fp = socket.getPeerCertificate().fingerprint256;
        socket.end();
        resolve(fp);
      });
      socket.once('error', reject);
    });
  }
  const fingerprintOf = (cert: string): string => new X509Certificate(readFileSync(file(cert))).fingerprint256;

  beforeAll(async () => {
    dir = tempDir('csms-tls-reload-');
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    execFileSync('sh', ['-c', "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext"], { cwd: dir });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test CPO CA');
    for (const n of ['one', 'two']) {
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', '/CN=localhost');
      ssl('x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${n}.pem`, '-days', '2', '-extfile', 'san.ext');
    }
    secret = join(dir, 'secret');
    mkdirSync(secret);
    publish('one.pem', 'one.key');
    symlinkSync('..data/tls.crt', join(secret, 'tls.crt'));
    symlinkSync('..data/tls.key', join(secret, 'tls.key'));
    csms = await startService({ env: { TLS_CERT_FILE: join(secret, 'tls.crt'), TLS_KEY_FILE: join(secret, 'tls.key'), LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await csms?.stop();
  });

  test('a new connection sees the new certificate, the connected charger stays up and is answered; a bad pair is refused', async () => {
    const ca = readFileSync(file('ca.pem'));
    const ws = new WebSocket(`wss://localhost:${String(csms.ocppPort)}/TLS-RELOAD-1`, ['ocpp1.6'], { ca });
    let firstCert = '';
    ws.once('upgrade', (res) => void (firstCert = (res.socket as TLSSocket).getPeerCertificate().fingerprint256));
    const replies = new Map<string, unknown[]>();
    ws.on('message', (d) => {
      const frame = JSON.parse(d.toString()) as unknown[];
      replies.set(String(frame[1]), frame);
    });
    let closed = false;
    ws.once('close', () => void (closed = true));
    await new Promise((res, rej) => ws.once('open', res).once('error', rej));
    const call = async (id: string, action: string, payload: object): Promise<unknown[]> => {
      ws.send(JSON.stringify([2, id, action, payload]));
      return eventually(async () => replies.get(id), `the answer to ${action} ${id}`);
    };
    expect((await call('boot', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }))[2]).toMatchObject({ status: 'Accepted' });
    expect(firstCert).toBe(fingerprintOf('one.pem'));
    expect(await servedFingerprint()).toBe(fingerprintOf('one.pem'));

    publish('two.pem', 'two.key');
    await eventually(async () => ((await servedFingerprint()) === fingerprintOf('two.pem') ? true : undefined), 'new connections to get certificate two');
    expect(closed).toBe(false);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect((await call('hb-after-renewal', 'Heartbeat', {}))[0]).toBe(3);
    // A wss client that trusts the CA connects with the new certificate.
    const second = new WebSocket(`wss://localhost:${String(csms.ocppPort)}/TLS-RELOAD-2`, ['ocpp1.6'], { ca });
    await new Promise((res, rej) => second.once('open', res).once('error', rej));
    second.close();

    // Certificate one with key two: refused, certificate two kept.
    publish('one.pem', 'two.key');
    await eventually(async () => (/not loaded, keeping the current one/.test(csms.output()) ? true : undefined), 'the refused pair to be logged');
    expect(await servedFingerprint()).toBe(fingerprintOf('two.pem'));
    expect((await call('hb-after-bad-pair', 'Heartbeat', {}))[0]).toBe(3);
    expect(closed).toBe(false);
    ws.close();
  });
});
