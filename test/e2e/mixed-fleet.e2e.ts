/**
 * Desired configuration in a mixed fleet (docs/reference/design-decisions.md#boot-provisioning) against the all-in-one
 * process, with chargers that are NOT our simulator: ocpp-rpc clients (strict mode,
 * test/support/rpc-charger.ts) holding their own key stores. A generic charger and a Zaptec Go share one fleet:
 * the generic one receives nothing it was not given, the Go gets its corrections, an operator's raw
 * ChangeConfiguration sticks, a reconnect costs one reconciliation round, and a key the charger rejects is tried
 * once per desired value.
 *
 * Rounds are driven and awaited, not slept through: a reconciliation round starts with a GetConfiguration of every
 * key, and a `barrier` (a charger-level desired change the charger must receive) is ordered after every round the
 * reconciler had started for that charger before it, because one charger's rounds never overlap.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';
import { rpcCharger } from '../support/rpc-charger.js';

jest.setTimeout(120_000);

interface Key {
  value: string;
  readonly: boolean;
}
interface Change {
  key: string;
  value: string;
  status: string;
}

/** A charger's key store with what it was asked: every GetConfiguration (the keys named) and every ChangeConfiguration. */
class KeyStore {
  readonly keys: Map<string, Key>;
  readonly changes: Change[] = [];
  readonly reads: Array<string[] | undefined> = [];
  /** Both, in the order the charger received them. */
  readonly log: Array<{ read: string[] | undefined } | { change: Change }> = [];

  /** `refuses`: key -> the only value this unit takes for it (a quirk the CSMS learns only from Rejected). */
  constructor(
    initial: Record<string, string>,
    private readonly readOnly: string[] = [],
    private readonly refuses: Record<string, string> = {},
  ) {
    this.keys = new Map(Object.entries(initial).map(([k, v]) => [k, { value: v, readonly: readOnly.includes(k) }]));
  }

  get(key: string): string | undefined {
    return this.keys.get(key)?.value;
  }

  /** Full reads: the first GetConfiguration of each reconciliation round. */
  get rounds(): number {
    return this.reads.filter((k) => k === undefined || k.length === 0).length;
  }

  changesOf(key: string): Change[] {
    return this.changes.filter((c) => c.key === key);
  }

  getConfiguration(wanted: string[] | undefined): Record<string, unknown> {
    this.reads.push(wanted);
    this.log.push({ read: wanted });
    const names = wanted && wanted.length > 0 ? wanted : [...this.keys.keys()];
    const unknownKey = names.filter((n) => !this.keys.has(n));
    return {
      configurationKey: names.filter((n) => this.keys.has(n)).map((key) => ({ key, readonly: (this.keys.get(key) as Key).readonly, value: this.get(key) })),
      ...(unknownKey.length > 0 ? { unknownKey } : {}),
    };
  }

  change(key: string, value: string): string {
    const k = this.keys.get(key);
    const status = !k ? 'NotSupported' : k.readonly || (key in this.refuses && this.refuses[key] !== value) ? 'Rejected' : 'Accepted';
    this.changes.push({ key, value, status });
    this.log.push({ change: { key, value, status } });
    if (status === 'Accepted' && k) k.value = value;
    return status;
  }
}

/** OCPP 1.6 §9.1 Core keys as a generic charger might hold them. */
const genericKeys = (): KeyStore =>
  new KeyStore(
    {
      HeartbeatInterval: '600',
      MeterValueSampleInterval: '0',
      ClockAlignedDataInterval: '0',
      ConnectionTimeOut: '60',
      MeterValuesSampledData: 'Energy.Active.Import.Register',
      MeterValuesAlignedData: '',
      StopTxnSampledData: '',
      StopTxnAlignedData: '',
      NumberOfConnectors: '2',
      GetConfigurationMaxKeys: '100',
      SupportedFeatureProfiles: 'Core,RemoteTrigger',
    },
    ['NumberOfConnectors', 'GetConfigurationMaxKeys', 'SupportedFeatureProfiles'],
  );

/**
 * A Zaptec Go at its factory values (docs/reference/zaptec-facts.md#factory-configuration: heartbeat 86400, no
 * sampling); `refuses` as KeyStore.
 */
const goKeys = (refuses: Record<string, string> = {}): KeyStore =>
  new KeyStore(
    {
      HeartbeatInterval: '86400',
      MeterValueSampleInterval: '0',
      ClockAlignedDataInterval: '0',
      ConnectionTimeOut: '30',
      MeterValuesSampledData: 'Energy.Active.Import.Register',
      MeterValuesAlignedData: '',
      StopTxnSampledData: '',
      StopTxnAlignedData: '',
      NumberOfConnectors: '1',
      GetConfigurationMaxKeys: '100',
      SupportedFeatureProfiles: 'Core,FirmwareManagement,SmartCharging,RemoteTrigger',
      FreeCharging: 'false',
      FreeChargingIdTag: '',
      LockCablePermanently: 'false',
      PowerActiveImportDeltaForEagerMeterValueSample: '0',
      UseAuthorizationKeyWithoutDecoding: 'false',
      UnlockConnectorOnEVSideDisconnect: 'true',
    },
    ['NumberOfConnectors', 'GetConfigurationMaxKeys', 'SupportedFeatureProfiles'],
    refuses,
  );

const GO_BOOT = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };
const GENERIC_BOOT = { chargePointVendor: 'ACME', chargePointModel: 'Wallbox 22', firmwareVersion: '1.0.0' };

let csms: ServiceProcess;
const open: RPCClient[] = [];
const api = () => apiClient(csms.apiUrl);

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  for (const c of open) await c.close({ force: true }).catch(() => undefined);
  await csms?.stop();
});

/** Connects as `identity` over the charger's key store; boots with `boot` unless null (a reconnect without reboot). */
async function connect(identity: string, store: KeyStore, boot: Record<string, string> | null): Promise<RPCClient> {
  const client = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    identity,
    {
      GetConfiguration: ({ params }) => store.getConfiguration(params.key as string[] | undefined),
      ChangeConfiguration: ({ params }) => ({ status: store.change(String(params.key), String(params.value)) }),
    },
    ({ method }) => {
      throw new Error(`${method} not handled by this test charger`);
    },
  );
  await client.connect();
  open.push(client);
  if (boot) expect(await client.call('BootNotification', boot)).toMatchObject({ status: 'Accepted' });
  return client;
}

async function disconnected(identity: string): Promise<void> {
  await eventually(async () => ((await api().get(`/api/v1/chargers/${identity}`)).body?.connected === false ? true : undefined), `${identity} shown offline`);
}

/**
 * A charger-level change, and the end of the round that delivers it (the full re-read that follows its changes):
 * every round started for the charger before this call has ended by then, since one charger's rounds never overlap.
 */
let barrierSeq = 0;
async function barrier(identity: string, store: KeyStore): Promise<void> {
  const value = String(100 + ++barrierSeq);
  expect((await api().put(`/api/v1/chargers/${identity}/configuration`, { keys: { ConnectionTimeOut: value } })).status).toBe(200);
  await eventually(async () => {
    const at = store.log.findIndex((e) => 'change' in e && e.change.key === 'ConnectionTimeOut' && e.change.value === value);
    return at >= 0 && store.log.slice(at + 1).some((e) => 'read' in e && (e.read === undefined || e.read.length === 0)) ? true : undefined;
  }, `${identity} barrier ${value}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the configuration view is JSON whose fields the tests read by name
async function configuration(identity: string): Promise<Record<string, any>> {
  const r = await api().get(`/api/v1/chargers/${identity}/configuration`);
  expect(r.status).toBe(200);
  return r.body;
}

test('a generic charger receives no configuration it was not given; a Zaptec Go beside it gets its corrections', async () => {
  const generic = genericKeys();
  await connect('ACME000001', generic, GENERIC_BOOT);
  const go = goKeys();
  await connect('ZAPMF00001', go, GO_BOOT);
  // The generic charger's boot round has read it; a change its operator asks for is the first and only one it gets
  // (one charger's rounds never overlap: anything its boot round sent came before).
  await eventually(async () => (generic.rounds > 0 ? true : undefined), 'generic charger read');
  expect((await api().put('/api/v1/chargers/ACME000001/configuration', { keys: { MeterValueSampleInterval: '300' } })).status).toBe(200);
  await eventually(async () => (generic.get('MeterValueSampleInterval') === '300' ? true : undefined), "generic charger given its operator's value");
  expect(generic.changes).toEqual([{ key: 'MeterValueSampleInterval', value: '300', status: 'Accepted' }]);
  // The Go's boot round applies its model's billing defaults.
  const model = (await api().get('/api/v1/models/zaptec-go/configuration')).body.keys as Record<string, string>;
  expect(Number(model.MeterValueSampleInterval)).toBeGreaterThan(0);
  await eventually(
    async () =>
      go.get('MeterValueSampleInterval') === model.MeterValueSampleInterval && go.get('HeartbeatInterval') === model.HeartbeatInterval ? true : undefined,
    'Go corrected',
  );
  const view = await configuration('ACME000001');
  expect(view).toMatchObject({ model: 'generic', effective: { MeterValueSampleInterval: '300' }, sources: { MeterValueSampleInterval: 'charger' } });
  expect(Object.keys(view.effective)).toEqual(['MeterValueSampleInterval']);
  expect((await configuration('ZAPMF00001')).sources).toMatchObject({ MeterValueSampleInterval: 'model', HeartbeatInterval: 'model' });
  expect((await api().get('/api/v1/configuration')).body.keys).toEqual({});
});

test('a raw ChangeConfiguration the charger accepted sticks: reconciliation rounds and a reconnect keep it', async () => {
  const id = 'ZAPMF00002';
  const go = goKeys();
  const client = await connect(id, go, GO_BOOT);
  await eventually(async () => (go.get('MeterValueSampleInterval') === '60' ? true : undefined), 'Go corrected');
  // An operator's own token: the audit names the authenticated caller.
  const made = await fetch(`${csms.apiUrl}/api/v1/api-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ops-alice', role: 'operator' }),
  });
  expect(made.status).toBe(201);
  const { token } = (await made.json()) as { token: string };
  const raw = await fetch(`${csms.apiUrl}/api/v1/chargers/${id}/commands/ChangeConfiguration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ key: 'MeterValueSampleInterval', value: '10' }),
  });
  expect(raw.status).toBe(200);
  expect(await raw.json()).toEqual({ result: { status: 'Accepted' }, commandId: expect.any(String), desired: { recorded: true, level: 'charger' } });
  expect(go.get('MeterValueSampleInterval')).toBe('10');
  // Two rounds (each barrier is one), then a reconnect with a boot and its round.
  await barrier(id, go);
  await barrier(id, go);
  await client.close({ force: false });
  await disconnected(id);
  await connect(id, go, GO_BOOT);
  await barrier(id, go);
  await barrier(id, go);
  expect(go.get('MeterValueSampleInterval')).toBe('10');
  expect(go.changesOf('MeterValueSampleInterval').map((c) => c.value)).toEqual(['60', '10']);
  const view = await configuration(id);
  expect(view.desired.charger).toMatchObject({ MeterValueSampleInterval: '10' });
  expect(view.sources.MeterValueSampleInterval).toBe('charger');
  const history = await api().get(`/api/v1/chargers/${id}/configuration/history`);
  expect(history.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actor: 'api:ops-alice', scope: 'charger', key: 'MeterValueSampleInterval', new: '10', outcome: 'command:Accepted' }),
    ]),
  );
});

test('a reconnect costs one reconciliation round, also when its connection event waits behind another batch', async () => {
  const a = goKeys();
  const b = goKeys();
  const clientA = await connect('ZAPMF00003', a, GO_BOOT);
  const clientB = await connect('ZAPMF00004', b, GO_BOOT);
  // Each boot's own round (about a second after the boot) first, then nothing started before the barriers is left.
  await eventually(async () => (a.rounds > 0 && b.rounds > 0 ? true : undefined), 'the first boot rounds');
  await barrier('ZAPMF00003', a);
  await barrier('ZAPMF00004', b);
  // A disconnects, and reconnects (with a boot) while the consumer may still handle that disconnection.
  await clientA.close({ force: false });
  await disconnected('ZAPMF00003');
  const before = a.rounds;
  await connect('ZAPMF00003', a, GO_BOOT);
  await eventually(async () => (a.rounds > before ? true : undefined), 'the boot round of A');
  // B reconnects without a reboot: its connection round comes from the same consumer, after A's connection event.
  await clientB.close({ force: false });
  await disconnected('ZAPMF00004');
  const bBefore = b.rounds;
  await connect('ZAPMF00004', b, null);
  await eventually(async () => (b.rounds > bBefore ? true : undefined), 'the connection round of B', 60_000);
  // The consumer handled A's connection event (and awaited any round it started) before B's: one round for A.
  expect(a.rounds - before).toBe(1);
  expect(b.rounds - bBefore).toBe(1);
});

test('a key the charger rejects is tried once per desired value, shown as refused, and tried again on request', async () => {
  const id = 'ZAPMF00005';
  // This unit takes no clock-aligned measurands (the example: MeterValuesAlignedData rejected).
  const go = goKeys({ MeterValuesAlignedData: '' });
  const client = await connect(id, go, GO_BOOT);
  await eventually(async () => (go.changesOf('MeterValuesAlignedData').length > 0 ? true : undefined), 'MeterValuesAlignedData sent');
  await barrier(id, go);
  await barrier(id, go);
  await client.close({ force: false });
  await disconnected(id);
  await connect(id, go, GO_BOOT);
  await barrier(id, go);
  expect(go.changesOf('MeterValuesAlignedData')).toEqual([{ key: 'MeterValuesAlignedData', value: 'Energy.Active.Import.Register', status: 'Rejected' }]);
  const drift = ((await configuration(id)).drift as Array<{ key: string; state: string; reason: string; lastOutcome: string }>).find(
    (d) => d.key === 'MeterValuesAlignedData',
  );
  expect(drift).toMatchObject({ state: 'refused', lastOutcome: 'Rejected', reason: expect.stringMatching(/^refused by the charger/) });
  // The operator asks for a retry: sent once more.
  const retry = await api().post(`/api/v1/chargers/${id}/configuration/retry`, { keys: ['MeterValuesAlignedData'] });
  expect(retry.status).toBe(200);
  await eventually(async () => (go.changesOf('MeterValuesAlignedData').length === 2 ? true : undefined), 'retried');
  await barrier(id, go);
  expect(go.changesOf('MeterValuesAlignedData')).toHaveLength(2);
  expect((await api().post(`/api/v1/chargers/${id}/configuration/retry`, { keys: 'all' })).status).toBe(400);
});

test('the OpenAPI document at /api/docs-json (and /api/docs/openapi.json) names the model level', async () => {
  for (const path of ['/api/docs-json', '/api/docs/openapi.json']) {
    const r = await api().get(path);
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/models/{model}/configuration', '/api/v1/chargers/{id}/configuration/retry']));
  }
});
