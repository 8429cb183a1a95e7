/**
 * docs/reference/design-decisions.md#desired-configuration, a round survives a restart: the config-manager restarted in
 * the middle of a reconciliation finishes
 * it after the restart. A Zaptec Go reporting its factory values connects; the reconciliation on connect
 * sends the fleet billing defaults one ChangeConfiguration at a time. The charger never answers the first
 * one; while the config-manager waits for it, it is SIGKILLed and started again. The charger (still
 * connected, no reboot, no reconnect: nothing else would start a new reconciliation) must end up with
 * every desired value.
 */
import { jest } from '@jest/globals';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { ZAPTEC_BILLING_DEFAULTS } from '#csms/zaptec-profile';
import { RawCharger } from '../../../tools/soak/raw-charger.js';
import { eventually, startService, type ServiceProcess } from '../../support/processes.js';
import { consumerBacklog } from '../../support/readings.js';

jest.setTimeout(300_000);

/**
 * A Go out of the box (docs/reference/zaptec-facts.md#factory-configuration), with every billing key present and
 * different from the fleet default.
 */
const FACTORY: Record<string, string> = {
  NumberOfConnectors: '1',
  HeartbeatInterval: '86400',
  MeterValueSampleInterval: '0',
  MeterValuesSampledData: 'Energy.Active.Import.Register',
  ClockAlignedDataInterval: '0',
  MeterValuesAlignedData: 'Power.Active.Import',
  StopTxnSampledData: 'Power.Active.Import',
  UseAuthorizationKeyWithoutDecoding: 'false',
};

describeInfra('config-manager restarted in the middle of a reconciliation', () => {
  let nats: NatsServerHandle;
  let db: { url: string; drop(): Promise<void> };
  let configManager: ServiceProcess;
  let charger: RawCharger | undefined;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await charger?.stop();
    for (const p of [...procs.reverse(), configManager]) await p?.stop().catch(() => undefined);
    await nats?.dispose();
    await db?.drop();
  });

  test('SIGKILL while a ChangeConfiguration is outstanding: after the restart every desired key reaches the charger', async () => {
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
    procs.push(await startService({ app: 'auth', env }));
    configManager = await startService({ app: 'config-manager', env });
    const gateway = await startService({ app: 'gateway', env: { ...env, GATEWAY_ID: 'gw-cm' } });
    procs.push(gateway);

    const store = { ...FACTORY };
    const changes: string[] = [];
    let held: (() => void) | undefined;
    const firstChangeHeld = new Promise<void>((resolve) => (held = resolve));
    charger = new RawCharger({
      id: 'ZAP900001',
      urls: [gateway.ocppUrl],
      onCommand: (action, payload) => {
        if (action === 'GetConfiguration') {
          return { configurationKey: Object.entries(store).map(([key, value]) => ({ key, value, readonly: key === 'NumberOfConnectors' })), unknownKey: [] };
        }
        if (action === 'ChangeConfiguration') {
          const { key, value } = payload as { key: string; value: string };
          changes.push(`${key}=${value}`);
          // The first one is never answered: the config-manager is waiting for it when it dies.
          if (changes.length === 1) {
            held?.();
            return undefined;
          }
          store[key] = value;
          return { status: 'Accepted' };
        }
        return { status: 'Accepted' };
      },
    });
    await charger.connect();
    await charger.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', chargePointSerialNumber: 'ZAP900001' });
    await firstChangeHeld;
    const interrupted = changes[0];
    await configManager.kill();
    configManager = await startService({ app: 'config-manager', env });

    // The Zaptec Go's model level as the system holds it (ZAPTEC_BILLING_DEFAULTS, with HeartbeatInterval from HEARTBEAT_INTERVAL_S).
    const level = (await (await fetch(`${gateway.apiUrl}/api/v1/models/zaptec-go/configuration`)).json()) as { keys: Record<string, string> };
    expect(Object.keys(level.keys).sort()).toEqual(Object.keys(ZAPTEC_BILLING_DEFAULTS).sort());
    const want = level.keys;
    const have = (): Record<string, string> => Object.fromEntries(Object.keys(want).map((k) => [k, store[k]]));
    try {
      await eventually(
        async () => (JSON.stringify(have()) === JSON.stringify(want) ? true : undefined),
        'the reconciliation to finish after the restart',
        120_000,
      );
    } finally {
      // Why it did not finish, if it did not: the connection event of the interrupted run is still unacked.
      const reconcileConsumer = await consumerBacklog(nats.url, 'OCPP_EVENTS', 'config-manager-reconcile').catch((err: unknown) => String(err));
      console.log(
        `config-manager restart: interrupted at ${interrupted}; ChangeConfigurations received: ${changes.join(', ')}; ` +
          `consumer config-manager-reconcile: ${JSON.stringify(reconcileConsumer)}`,
      );
    }
    expect(have()).toEqual(want);
  });
});
