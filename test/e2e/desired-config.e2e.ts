/**
 * Desired-state configuration (docs/reference/design-decisions.md#desired-configuration) against the all-in-one
 * process, with a charger that is NOT
 * our simulator: an ocpp-rpc client (strict mode) holding its own key store and enforcing Zaptec's rules as
 * docs/reference/zaptec-facts.md#zaptec-configuration-keys describes a Zaptec Go (read-only keys Rejected, bad values
 * Rejected, LockCablePermanently=true makes
 * UnlockConnectorOnEVSideDisconnect false and read-only). Nothing here shares code with the CSMS's profile.
 */
import { createRequire } from 'node:module';
import { jest } from '@jest/globals';
import { RPCClient, createRPCError } from 'ocpp-rpc';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

type Access = 'R' | 'RW' | 'W';
type Kind = { t: 'bool' } | { t: 'int'; min: number } | { t: 'str'; max: number } | { t: 'measurands' } | { t: 'csl' };
interface Key {
  access: Access;
  kind: Kind;
  value: string;
}

// OCPP 1.6 §7.31 measurands: a list naming anything else is rejected as a whole. Taken from ocpp-rpc's 1.6 schema
// (the charger side's library), not from the CSMS's profile, so the two are checked against each other.
const MEASURANDS = new Set(measurandsOfSchema(createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp1_6.json') as SchemaEntry[]));

interface SchemaEntry {
  $id: string;
  properties: { meterValue?: { items: { properties: { sampledValue: { items: { properties: { measurand: { enum: string[] } } } } } } } };
}

function measurandsOfSchema(schemas: SchemaEntry[]): string[] {
  const meterValues = schemas.find((s) => s.$id === 'urn:MeterValues.req')?.properties.meterValue;
  if (!meterValues) throw new Error('ocpp-rpc 1.6 schema has no MeterValues.req meterValue');
  return meterValues.items.properties.sampledValue.items.properties.measurand.enum;
}

/**
 * A Zaptec Go's configuration store as docs/reference/zaptec-facts.md#zaptec-configuration-keys and OCPP 1.6 §9
 * describe it (factory values).
 */
class GoKeyStore {
  readonly keys = new Map<string, Key>([
    ['HeartbeatInterval', { access: 'RW', kind: { t: 'int', min: 0 }, value: '86400' }],
    ['MeterValueSampleInterval', { access: 'RW', kind: { t: 'int', min: 0 }, value: '0' }],
    ['MeterValuesSampledData', { access: 'RW', kind: { t: 'measurands' }, value: 'Energy.Active.Import.Register' }],
    ['MeterValuesAlignedData', { access: 'RW', kind: { t: 'measurands' }, value: 'Energy.Active.Import.Register' }],
    ['StopTxnSampledData', { access: 'RW', kind: { t: 'measurands' }, value: 'Energy.Active.Import.Register' }],
    ['ClockAlignedDataInterval', { access: 'RW', kind: { t: 'int', min: 0 }, value: '0' }],
    ['NumberOfConnectors', { access: 'R', kind: { t: 'int', min: 1 }, value: '1' }],
    ['GetConfigurationMaxKeys', { access: 'R', kind: { t: 'int', min: 1 }, value: '20' }],
    ['SupportedFeatureProfiles', { access: 'R', kind: { t: 'csl' }, value: 'Core,FirmwareManagement,SmartCharging,RemoteTrigger' }],
    ['UnlockConnectorOnEVSideDisconnect', { access: 'RW', kind: { t: 'bool' }, value: 'true' }],
    ['StopTransactionOnEVSideDisconnect', { access: 'RW', kind: { t: 'bool' }, value: 'true' }],
    // docs/reference/zaptec-facts.md#zaptec-configuration-keys.
    ['FreeChargingIdTag', { access: 'RW', kind: { t: 'str', max: 20 }, value: '' }],
    ['FreeCharging', { access: 'RW', kind: { t: 'bool' }, value: 'false' }],
    ['LockCablePermanently', { access: 'RW', kind: { t: 'bool' }, value: 'false' }],
    ['PowerActiveImportDeltaForEagerMeterValueSample', { access: 'RW', kind: { t: 'int', min: 0 }, value: '0' }],
    ['UseAuthorizationKeyWithoutDecoding', { access: 'RW', kind: { t: 'bool' }, value: 'false' }],
    ['AuthorizationKey', { access: 'W', kind: { t: 'str', max: 40 }, value: '' }],
  ]);
  /** Every ChangeConfiguration received, in order, with the answer given. */
  readonly changes: Array<{ key: string; value: string; status: string }> = [];

  get(key: string): string | undefined {
    return this.keys.get(key)?.value;
  }

  readOnly(key: string): boolean {
    const k = this.keys.get(key);
    // docs/reference/zaptec-facts.md#lockcablepermanently: while LockCablePermanently is true,
    // UnlockConnectorOnEVSideDisconnect is read-only.
    return k?.access === 'R' || (key === 'UnlockConnectorOnEVSideDisconnect' && this.get('LockCablePermanently') === 'true');
  }

  private valid(kind: Kind, v: string): boolean {
    switch (kind.t) {
      case 'bool':
        return v === 'true' || v === 'false';
      case 'int':
        return /^\d+$/.test(v) && Number(v) >= kind.min && Number(v) <= 2_147_483_647;
      case 'str':
        return v.length <= kind.max;
      case 'measurands':
        return v === '' || v.split(',').every((m) => MEASURANDS.has(m.trim()));
      case 'csl':
        return true;
    }
  }

  /** A change made at the charger (its app, a factory reset): no ChangeConfiguration involved. */
  setLocally(key: string, value: string): void {
    (this.keys.get(key) as Key).value = value;
  }

  change(key: string, value: string): 'Accepted' | 'Rejected' | 'NotSupported' {
    const k = this.keys.get(key);
    const status = !k ? 'NotSupported' : this.readOnly(key) || !this.valid(k.kind, value) ? 'Rejected' : 'Accepted';
    this.changes.push({ key, value, status });
    if (status !== 'Accepted' || !k) return status;
    if (key === 'LockCablePermanently' && value === 'true') this.setLocally('UnlockConnectorOnEVSideDisconnect', 'false');
    k.value = value;
    return status;
  }

  getConfiguration(wanted: string[] | undefined): { configurationKey: Array<{ key: string; readonly: boolean; value: string }>; unknownKey?: string[] } {
    if (wanted && wanted.length > Number(this.get('GetConfigurationMaxKeys'))) {
      throw createRPCError('OccurenceConstraintViolation', 'more keys than GetConfigurationMaxKeys');
    }
    const names = wanted && wanted.length > 0 ? wanted : [...this.keys.keys()];
    const configurationKey = names
      .filter((n) => this.keys.has(n) && this.keys.get(n)?.access !== 'W')
      .map((key) => ({ key, readonly: this.readOnly(key), value: this.get(key) as string }));
    const unknownKey = names.filter((n) => !this.keys.has(n));
    return { configurationKey, ...(unknownKey.length > 0 ? { unknownKey } : {}) };
  }
}

let csms: ServiceProcess;
const open: Array<{ close(o: { force: boolean }): Promise<unknown> }> = [];

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  for (const c of open) await c.close({ force: true }).catch(() => undefined);
  await csms?.stop();
});

/** Connects and boots as a Zaptec Go; `hold` may keep the answers to GetConfiguration / ChangeConfiguration back. */
async function connect(identity: string, store: GoKeyStore, hold: { get?: () => Promise<void>; change?: () => Promise<void> } = {}) {
  // ocpp-rpc's typings list every option as required although each has a default.
  const options = { endpoint: `${csms.ocppUrl}/ocpp`, identity, protocols: ['ocpp1.6'], strictMode: true, reconnect: false };
  const client = new RPCClient(options as unknown as ConstructorParameters<typeof RPCClient>[0]);
  client.handle('GetConfiguration', async ({ params }) => {
    if (hold.get) await hold.get();
    return store.getConfiguration(params?.key as string[] | undefined);
  });
  client.handle('ChangeConfiguration', async ({ params }) => {
    if (hold.change) await hold.change();
    return { status: store.change(String(params?.key), String(params?.value)) };
  });
  client.handle(({ method }) => {
    throw createRPCError('NotImplemented', `${method} not handled by this test charger`);
  });
  await client.connect();
  open.push(client);
  expect(await client.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' })).toMatchObject({
    status: 'Accepted',
  });
  await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
  return client;
}

const api = () => apiClient(csms.apiUrl);

/** Waits until the CSMS reports no drift and nothing pending for the charger. */
async function settled(identity: string) {
  return eventually(async () => {
    const r = await api().get(`/api/v1/chargers/${identity}/configuration`);
    const drift = (r.body?.drift ?? []) as Array<{ state: string }>;
    return r.status === 200 && r.body.reported && drift.length > 0 && drift.every((d) => d.state === 'in-sync') ? r.body : undefined;
  }, `${identity} in sync`);
}

test('desired FreeCharging + FreeChargingIdTag are sent on the next connect, the idTag first, and auth learns them', async () => {
  const id = 'ZAPDC00001';
  const store = new GoKeyStore();
  const first = await connect(id, store);
  await settled(id); // fleet defaults applied at boot
  await first.close({ force: false });
  await eventually(async () => ((await api().get(`/api/v1/chargers/${id}`)).body?.connected === false ? true : undefined), 'shown offline');

  const put = await api().put(`/api/v1/chargers/${id}/configuration`, { keys: { FreeCharging: 'true', FreeChargingIdTag: 'DC-FREE-TAG' } });
  expect(put.status).toBe(200);
  expect(store.changes.filter((c) => c.key.startsWith('FreeCharging'))).toEqual([]);

  // Once the charger has Accepted FreeCharging, its answers to further reads are held: auth must know free
  // charging from the Accepted change itself, not only from a later GetConfiguration.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const again = await connect(id, store, { get: () => (store.get('FreeCharging') === 'true' ? held : Promise.resolve()) });
  await eventually(async () => (store.get('FreeCharging') === 'true' ? true : undefined), 'FreeCharging at the charger');
  const free = store.changes.filter((c) => c.key === 'FreeCharging' || c.key === 'FreeChargingIdTag');
  expect(free).toEqual([
    { key: 'FreeChargingIdTag', value: 'DC-FREE-TAG', status: 'Accepted' },
    { key: 'FreeCharging', value: 'true', status: 'Accepted' },
  ]);
  // The charger now starts without authorization, with its FreeChargingIdTag (unknown to the CSMS): Accepted.
  // (Polled: auth hears of the change a moment after the charger answered; an early refusal is stopped again.)
  const startedFree = await eventually(
    async () => {
      const r = (await again.call('StartTransaction', { connectorId: 1, idTag: 'DC-FREE-TAG', meterStart: 100, timestamp: new Date().toISOString() })) as {
        transactionId: number;
        idTagInfo: { status: string };
      };
      if (r.idTagInfo.status === 'Accepted') return r;
      await again.call('StopTransaction', { transactionId: r.transactionId, meterStop: 100, timestamp: new Date().toISOString() });
      return undefined;
    },
    'StartTransaction with the FreeChargingIdTag accepted before the re-read',
    10_000,
  );
  release();
  const view = await settled(id);
  expect(view.effective).toMatchObject({ FreeCharging: 'true', FreeChargingIdTag: 'DC-FREE-TAG' });
  await again.call('StopTransaction', { transactionId: startedFree.transactionId, meterStop: 105, timestamp: new Date().toISOString() });
  const tx = await eventually(async () => {
    const r = await api().get(`/api/v1/transactions/${startedFree.transactionId}`);
    return r.body?.state === 'closed' ? r.body : undefined;
  }, 'free transaction closed');
  expect(tx).toMatchObject({ idTag: 'DC-FREE-TAG', free: true, energyWh: 5 });
});

test('LockCablePermanently on: the CSMS stops asking for UnlockConnectorOnEVSideDisconnect=true', async () => {
  const id = 'ZAPDC00002';
  const store = new GoKeyStore();
  const first = await connect(id, store);
  await settled(id);
  expect((await api().put(`/api/v1/chargers/${id}/configuration`, { keys: { UnlockConnectorOnEVSideDisconnect: 'true' } })).status).toBe(200);
  // Changed at the charger: the CSMS brings it back while the cable is not locked.
  await first.close({ force: false });
  store.setLocally('UnlockConnectorOnEVSideDisconnect', 'false');
  const second = await connect(id, store);
  await eventually(async () => (store.get('UnlockConnectorOnEVSideDisconnect') === 'true' ? true : undefined), 'Unlock corrected');
  expect(store.changes.filter((c) => c.key === 'UnlockConnectorOnEVSideDisconnect')).toEqual([
    { key: 'UnlockConnectorOnEVSideDisconnect', value: 'true', status: 'Accepted' },
  ]);

  // Locking the cable and asking for Unlock=true at once is refused: the charger would hold it false and read-only.
  const both = await api().put(`/api/v1/chargers/${id}/configuration`, { keys: { LockCablePermanently: 'true' } });
  expect(both.status).toBe(422);
  expect(both.body.errors).toEqual([
    expect.objectContaining({ key: 'UnlockConnectorOnEVSideDisconnect', rule: expect.any(String), message: expect.stringMatching(/LockCablePermanently/) }),
  ]);
  const lock = await api().put(`/api/v1/chargers/${id}/configuration`, { keys: { LockCablePermanently: 'true', UnlockConnectorOnEVSideDisconnect: null } });
  expect(lock.status).toBe(200);
  await eventually(async () => (store.get('LockCablePermanently') === 'true' ? true : undefined), 'cable locked');
  expect(store.get('UnlockConnectorOnEVSideDisconnect')).toBe('false');
  await settled(id);
  await second.close({ force: false });
  await connect(id, store);
  await settled(id);
  // Nothing asked Unlock=true after the lock, and nothing was ever Rejected.
  const afterLock = store.changes.slice(store.changes.findIndex((c) => c.key === 'LockCablePermanently'));
  expect(afterLock.filter((c) => c.key === 'UnlockConnectorOnEVSideDisconnect')).toEqual([]);
  expect(store.changes.filter((c) => c.status !== 'Accepted')).toEqual([]);
  const view = await api().get(`/api/v1/chargers/${id}/configuration`);
  const reported = (view.body.reported.keys as Array<{ key: string; value: string; readonly: boolean }>).find(
    (k) => k.key === 'UnlockConnectorOnEVSideDisconnect',
  );
  expect(reported).toEqual({ key: 'UnlockConnectorOnEVSideDisconnect', value: 'false', readonly: true });
});

test('values changed at the charger show up as drift on the next check and are corrected', async () => {
  const id = 'ZAPDC00003';
  const store = new GoKeyStore();
  const first = await connect(id, store);
  const fleet = (await settled(id)).effective as Record<string, string>;
  await first.close({ force: false });
  // The charger went back to factory values for two fleet keys while away.
  store.setLocally('HeartbeatInterval', '86400');
  store.setLocally('MeterValueSampleInterval', '0');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const before = store.changes.length;
  await connect(id, store, { change: () => held });
  // While the first correction is held at the charger, the check's snapshot shows the other key drifted.
  const during = await eventually(async () => {
    const r = await api().get(`/api/v1/chargers/${id}/configuration`);
    return r.body?.drifted === true && store.changes.length === before ? r.body : undefined;
  }, 'drift shown');
  const drifted = (during.drift as Array<{ key: string; state: string; reported: string; desired: string; reason?: string }>).filter(
    (d) => d.state !== 'in-sync',
  );
  expect(drifted.map((d) => d.key).sort()).toEqual(['HeartbeatInterval', 'MeterValueSampleInterval']);
  expect(drifted.find((d) => d.key === 'MeterValueSampleInterval')).toMatchObject({
    state: 'drifted',
    reported: '0',
    desired: fleet.MeterValueSampleInterval,
    reason: expect.stringContaining('reported "0"'),
  });
  release();
  await settled(id);
  expect(store.get('HeartbeatInterval')).toBe(fleet.HeartbeatInterval);
  expect(store.get('MeterValueSampleInterval')).toBe(fleet.MeterValueSampleInterval);
  const history = await api().get(`/api/v1/chargers/${id}/configuration/history`);
  // The audit trail keeps both: what the charger reported (the drift) and the reconciler's correction.
  expect(history.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actor: 'charger', key: 'MeterValueSampleInterval', old: fleet.MeterValueSampleInterval, new: '0', outcome: 'reported' }),
      expect.objectContaining({ actor: 'reconciler', key: 'MeterValueSampleInterval', old: '0', new: fleet.MeterValueSampleInterval, outcome: 'Accepted' }),
    ]),
  );
});

test('an invalid desired value gets 422 naming every refusal and never reaches the charger', async () => {
  const id = 'ZAPDC00004';
  const store = new GoKeyStore();
  const first = await connect(id, store);
  await settled(id);
  const bad = { FreeChargingIdTag: 'X'.repeat(21), HeartbeatInterval: 'often', PowerActiveImportDeltaForEagerMeterValueSample: '-5' };
  const res = await api().put(`/api/v1/chargers/${id}/configuration`, { keys: bad });
  expect(res.status).toBe(422);
  const errors = res.body.errors as Array<{ key: string; value: unknown; rule: string; message: string }>;
  expect(errors.map((e) => e.key).sort()).toEqual(Object.keys(bad).sort());
  for (const e of errors) {
    expect(e).toEqual({ key: e.key, value: bad[e.key as keyof typeof bad], rule: expect.any(String), message: expect.any(String) });
    expect(e.message.length).toBeGreaterThan(10);
  }
  // Eager samples without Power.Active.Import sampled: refused with a message that says so.
  const eager = await api().put(`/api/v1/chargers/${id}/configuration`, {
    keys: { PowerActiveImportDeltaForEagerMeterValueSample: '500', MeterValuesSampledData: 'Energy.Active.Import.Register' },
  });
  expect(eager.status).toBe(422);
  expect(JSON.stringify(eager.body.errors)).toMatch(/Power\.Active\.Import/);
  // Not stored, so not sent now nor on the next connect.
  const view = await api().get(`/api/v1/chargers/${id}/configuration`);
  expect(view.body.desired.charger).toEqual({});
  await first.close({ force: false });
  await connect(id, store);
  await settled(id);
  const sentKeys = store.changes.map((c) => c.key);
  for (const k of [...Object.keys(bad), 'MeterValuesSampledData']) {
    expect(store.changes.filter((c) => c.key === k && c.value !== (view.body.effective as Record<string, string>)[k])).toEqual([]);
  }
  expect(sentKeys).not.toContain('FreeChargingIdTag');
  expect(sentKeys).not.toContain('PowerActiveImportDeltaForEagerMeterValueSample');
});
