// Drives one SimulatedCharger against a minimal ocpp-rpc RPCServer (strict mode) on a free port, and checks what
// the server received. The charger's own timers run on a ManualClock; only the network is real.
import { ManualClock } from '../clock.js';
import type { RpcServer, RpcServerClient } from '../ocpp-rpc.js';
import { OCPP16, RPCServer } from '../rpc.js';
import { SimulatedCharger } from './simulated-charger.js';

interface Received {
  method: string;
  params: Record<string, unknown>;
}

function until(pred: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = (): void => (pred() ? resolve() : void setImmediate(tick));
    tick();
  });
}

describe('SimulatedCharger against an ocpp-rpc server', () => {
  let server: RpcServer;
  let url: string;
  const received: Received[] = [];
  const passwords: Array<string | undefined> = [];
  let serverClient: RpcServerClient | undefined;
  let nextTx = 100;

  beforeAll(async () => {
    server = new RPCServer({ protocols: [OCPP16], strictMode: true });
    server.auth((accept, _reject, handshake) => {
      passwords.push(handshake.password?.toString('hex'));
      accept();
    });
    server.on('client', (client: RpcServerClient) => {
      serverClient = client;
      client.handle(({ method, params }) => {
        received.push({ method, params });
        const now = new Date().toISOString();
        switch (method) {
          case 'BootNotification':
            return { status: 'Accepted', currentTime: now, interval: 300 };
          case 'Heartbeat':
            return { currentTime: now };
          case 'Authorize':
            return { idTagInfo: { status: 'Accepted' } };
          case 'StartTransaction':
            return { transactionId: nextTx++, idTagInfo: { status: 'Accepted' } };
          case 'StopTransaction':
            return { idTagInfo: { status: 'Accepted' } };
          default:
            return {};
        }
      });
    });
    const http = await server.listen(0, '127.0.0.1');
    const addr = http.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    url = `ws://127.0.0.1:${addr.port}/ocpp`;
  });

  afterAll(async () => {
    await server.close({ force: true });
  });

  it('boots, heartbeats, answers configuration commands and reports a transaction', async () => {
    const clock = new ManualClock();
    const charger = new SimulatedCharger({ url, identity: 'ZAP000001', model: 'go2', clock });
    const count = (m: string): number => received.filter((r) => r.method === m).length;
    charger.start();
    await charger.waitFor('booted');

    const boot = received.find((r) => r.method === 'BootNotification')!;
    expect(boot.params).toMatchObject({
      chargePointVendor: 'Zaptec',
      chargePointModel: 'Go 2',
      firmwareVersion: '3.2.1.0',
      chargePointSerialNumber: 'ZAP000001',
    });
    expect(passwords[0]).toBeUndefined();
    await until(() => count('StatusNotification') >= 2);
    expect(received.filter((r) => r.method === 'StatusNotification').map((r) => [r.params.connectorId, r.params.status])).toEqual([
      [0, 'Available'],
      [1, 'Available'],
    ]);

    // The BootNotification interval (300 s) drives the heartbeat.
    expect(charger.keys.get('HeartbeatInterval')).toBe('300');
    clock.advance(300_000);
    await until(() => count('Heartbeat') === 1);

    const sc = serverClient!;
    const conf = (await sc.call('GetConfiguration', { key: ['HeartbeatInterval', 'MeterValueSampleInterval', 'Nope', 'AuthorizationKey'] })) as {
      configurationKey: Array<{ key: string; value: string; readonly: boolean }>;
      unknownKey: string[];
    };
    expect(conf.configurationKey).toEqual([
      { key: 'HeartbeatInterval', readonly: false, value: '300' },
      { key: 'MeterValueSampleInterval', readonly: false, value: '0' },
    ]);
    expect(conf.unknownKey).toEqual(['Nope']);
    expect(await sc.call('ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '60' })).toEqual({ status: 'Accepted' });
    expect(await sc.call('ChangeConfiguration', { key: 'NumberOfConnectors', value: '2' })).toEqual({ status: 'Rejected' });
    expect(await sc.call('ChangeConfiguration', { key: 'NoSuchKey', value: '2' })).toEqual({ status: 'NotSupported' });
    expect(await sc.call('DataTransfer', { vendorId: 'x' })).toEqual({ status: 'UnknownVendorId' });

    await charger.plugIn('TAG-1');
    await until(() => count('StartTransaction') === 1);
    expect(received.find((r) => r.method === 'Authorize')?.params).toEqual({ idTag: 'TAG-1' });
    const start = received.find((r) => r.method === 'StartTransaction')!;
    expect(start.params).toMatchObject({ connectorId: 1, idTag: 'TAG-1', meterStart: 1_000_000 });
    await until(() => charger.transactions.transactionId === 100);

    clock.advance(60_000);
    await until(() => count('MeterValues') === 1);
    const mv = received.find((r) => r.method === 'MeterValues')!.params as {
      transactionId: number;
      meterValue: Array<{ timestamp: string; sampledValue: Array<Record<string, string>> }>;
    };
    expect(mv.transactionId).toBe(100);
    // One entry per measurand, shared timestamp; 7400 W for 60 s = 123.33 Wh.
    expect(mv.meterValue.map((e) => e.sampledValue[0]!.measurand)).toEqual([
      'Energy.Active.Import.Register',
      'Power.Active.Import',
      'Current.Import',
      'Voltage',
    ]);
    expect(new Set(mv.meterValue.map((e) => e.timestamp)).size).toBe(1);
    expect(mv.meterValue[0]!.sampledValue[0]).toMatchObject({ value: '1000123', unit: 'Wh', context: 'Sample.Periodic', location: 'Outlet' });

    charger.unplug();
    await until(() => count('StopTransaction') === 1);
    const stop = received.find((r) => r.method === 'StopTransaction')!.params;
    expect(stop).toMatchObject({ transactionId: 100, meterStop: 1_000_123, reason: 'EVDisconnected' });
    const contexts = (stop.transactionData as Array<{ sampledValue: Array<{ context: string }> }>).map((e) => e.sampledValue[0]!.context);
    expect(contexts).toEqual(['Transaction.Begin', 'Sample.Periodic', 'Transaction.End']);

    // Key rotation: decoding on (default before any key), reconnect with the decoded bytes as password.
    const key = '41424344454647484950515253545556';
    expect(await sc.call('ChangeConfiguration', { key: 'AuthorizationKey', value: key })).toEqual({ status: 'Accepted' });
    await until(() => passwords.length === 2 && charger.state === 'booted');
    expect(passwords[1]).toBe(key);
    await charger.stop();
  });

  it('Pro: holds a reservation (Reserved), refuses another tag, starts the reserved one with its reservationId, expires', async () => {
    const clock = new ManualClock();
    const charger = new SimulatedCharger({ url, identity: 'ZAP000009', model: 'pro', clock });
    const from = received.length;
    const mine = (m: string) => received.slice(from).filter((r) => r.method === m);
    const statuses = () => mine('StatusNotification').map((r) => r.params.status);
    charger.start();
    await charger.waitFor('booted');
    await until(() => statuses().length >= 2);
    const sc = serverClient!;
    const expiry = (ms: number) => new Date(clock.now() + ms).toISOString();

    expect(await sc.call('ReserveNow', { connectorId: 0, expiryDate: expiry(60_000), idTag: 'ALICE', reservationId: 5 })).toEqual({ status: 'Rejected' });
    expect(await sc.call('ReserveNow', { connectorId: 1, expiryDate: expiry(60_000), idTag: 'ALICE', reservationId: 5 })).toEqual({ status: 'Accepted' });
    expect(await sc.call('ReserveNow', { connectorId: 1, expiryDate: expiry(60_000), idTag: 'BOB', reservationId: 6 })).toEqual({ status: 'Occupied' });
    await until(() => statuses().at(-1) === 'Reserved');

    const refused: string[] = [];
    charger.on('reservedForOther', (tag: string) => refused.push(tag));
    await charger.plugIn('BOB');
    expect(refused).toEqual(['BOB']);
    expect(charger.status).toBe('Reserved');
    await charger.presentIdTag('ALICE');
    await until(() => mine('StartTransaction').length === 1);
    expect(mine('StartTransaction')[0].params).toMatchObject({ connectorId: 1, idTag: 'ALICE', reservationId: 5 });
    expect(await sc.call('CancelReservation', { reservationId: 5 })).toEqual({ status: 'Rejected' });
    charger.unplug();
    await until(() => mine('StopTransaction').length === 1);

    // Reserved again, then the charger drops it at expiryDate by itself.
    expect(await sc.call('ReserveNow', { connectorId: 1, expiryDate: expiry(30_000), idTag: 'ALICE', reservationId: 7 })).toEqual({ status: 'Accepted' });
    await until(() => statuses().at(-1) === 'Reserved');
    clock.advance(30_000);
    await until(() => statuses().at(-1) === 'Available');
    expect(charger.reservation.current).toBeUndefined();
    await charger.stop();
  });

  it('stop() ends every timer of the charger, also a reservation it still holds', async () => {
    const clock = new ManualClock();
    const charger = new SimulatedCharger({ url, identity: 'ZAP000010', model: 'pro', clock });
    charger.start();
    await charger.waitFor('booted');
    const expiryDate = new Date(clock.now() + 60_000).toISOString();
    expect(await serverClient!.call('ReserveNow', { connectorId: 1, expiryDate, idTag: 'ALICE', reservationId: 8 })).toEqual({ status: 'Accepted' });
    expect(clock.pending).toBeGreaterThan(0);
    await charger.stop();
    // Before: the reservation's expiry stayed on the clock and fired after the stop.
    expect(clock.pending).toBe(0);
  });
});
