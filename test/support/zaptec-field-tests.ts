/**
 * Zaptec chargers as they behave in the field (docs/reference/design-decisions.md#zaptec-chargers): per-model
 * capabilities refuse unsupported
 * commands before sending, legacy lowercase identities are the same charger, and a charger that stops
 * answering pings is shown offline. Registered by the all-in-one e2e file and by the NATS + PostgreSQL
 * infrastructure file, so the same tests run in both modes.
 */
import { expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';

/**
 * The ping interval both files start the system with. Short enough for the silent-charger test, long enough that a
 * busy CI machine (three test lanes on two cores) is unlikely to stall a healthy charger's pong past two intervals.
 * At 400 ms, one CI run never saw a command reach zap123456, most likely because its socket had been closed for a
 * late pong.
 */
export const ZAPTEC_FIELD_PING_MS = 2_000;

export function zaptecFieldTests(system: () => { ocppUrl: string; apiUrl: string }, pingMs: number = ZAPTEC_FIELD_PING_MS): void {
  async function bootedCharger(identity: string, boot: Record<string, string>, options: { autoPong?: boolean } = {}) {
    const ws = new WebSocket(`${system().ocppUrl}/ocpp/${identity}`, ['ocpp1.6'], { autoPong: options.autoPong ?? true });
    const frames: unknown[][] = [];
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as unknown[];
      // Configuration reconciliation on connect: answered as a charger without configurable keys would.
      if (f[0] === 2 && f[2] === 'GetConfiguration')
        return ws.send(JSON.stringify([3, f[1], { configurationKey: [], unknownKey: (f[3] as { key?: string[] }).key ?? [] }]));
      if (f[0] === 2 && f[2] === 'ChangeConfiguration') return ws.send(JSON.stringify([3, f[1], { status: 'NotSupported' }]));
      frames.push(f);
    });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const lastSent = Date.now();
    ws.send(JSON.stringify([2, 'boot-1', 'BootNotification', boot]));
    await eventually(async () => (frames.some((f) => f[1] === 'boot-1') ? true : undefined), 'boot answer');
    return { ws, frames, lastSent };
  }

  test('a Pro gets 422 for GetDiagnostics naming the model, and no frame reaches it', async () => {
    const pro = await bootedCharger('ZPR080001', {
      chargePointVendor: 'Zaptec',
      chargePointModel: 'Pro',
      firmwareVersion: '7.5.4.0',
      chargePointSerialNumber: 'ZPR080001',
    });
    const api = apiClient(system().apiUrl);
    await eventually(async () => ((await api.get('/api/v1/chargers/ZPR080001')).body?.model === 'zaptec-pro' ? true : undefined), 'Pro detected');
    const before = pro.frames.length;
    const res = await api.post('/api/v1/chargers/ZPR080001/commands/GetDiagnostics', { location: 'ftp://diag.example/' });
    expect(res.status).toBe(422);
    expect(res.body.model).toBe('zaptec-pro');
    expect(res.body.message).toMatch(/GetDiagnostics/);
    await new Promise((r) => setTimeout(r, 300));
    expect(pro.frames.length).toBe(before);
    pro.ws.close();
  });

  test('zap… and ZAP… are one charger: stored, listed and addressed under the upper-case identity', async () => {
    const go = await bootedCharger('zap123456', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' });
    const api = apiClient(system().apiUrl);
    const charger = await eventually(async () => {
      const r = await api.get('/api/v1/chargers/ZAP123456');
      return r.status === 200 && r.body.connected ? r.body : undefined;
    }, 'ZAP123456 connected');
    expect(charger.id).toBe('ZAP123456');
    const list = await api.get('/api/v1/chargers');
    const ids = (list.body.items as Array<{ id: string }>).map((c) => c.id);
    expect(ids).toContain('ZAP123456');
    expect(ids).not.toContain('zap123456');
    // A command addressed to either spelling reaches the socket.
    const pending = api.post('/api/v1/chargers/zap123456/commands/ClearCache', {});
    let answered: unknown = 'nothing yet';
    void pending.then(
      (r) => (answered = { status: r.status, body: r.body }),
      (err: unknown) => (answered = String(err)),
    );
    const call = await eventually(async () => go.frames.find((f) => f[0] === 2), 'ClearCache at the charger').catch((err: Error) => {
      // Say why: a refused command, or a socket the server closed (the API's answer and the socket's state tell).
      throw new Error(`${err.message}; the API answered ${JSON.stringify(answered)}; charger socket readyState ${go.ws.readyState}`);
    });
    go.ws.send(JSON.stringify([3, call[1], { status: 'Accepted' }]));
    expect((await pending).status).toBe(200);
    go.ws.close();
  });

  test('a charger that stops answering pings is disconnected and shown offline', async () => {
    const silent = await bootedCharger('ZAP777777', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }, { autoPong: false });
    const closed = new Promise<number>((r) => silent.ws.once('close', (code) => r(code)));
    await closed;
    // Two missed pongs at least: never within two intervals of the last frame the charger sent.
    expect(Date.now() - silent.lastSent).toBeGreaterThanOrEqual(2 * pingMs);
    const api = apiClient(system().apiUrl);
    await eventually(async () => ((await api.get('/api/v1/chargers/ZAP777777')).body?.connected === false ? true : undefined), 'shown offline');
  });
}
