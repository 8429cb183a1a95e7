/**
 * Boot policy "apply the desired configuration before accepting" (docs/reference/design-decisions.md#boot-policy)
 * against the all-in-one process,
 * with a raw `ws` charger that keeps a small key store so the CSMS's ChangeConfigurations stick:
 * policy on -> BootNotification Pending (OCPP 1.6 §4.2: the CSMS may configure it meanwhile) -> the CSMS sends the
 * desired values -> the charger boots again -> Accepted.
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

const ID = 'ZAP000555';
let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  await csms?.stop();
});

/** Factory-ish values, far from the fleet defaults, so the CSMS has something to change. */
function keyStore(): Map<string, { value: string; readonly: boolean }> {
  const rw = (value: string) => ({ value, readonly: false });
  return new Map([
    ['HeartbeatInterval', rw('86400')],
    ['MeterValueSampleInterval', rw('0')],
    ['MeterValuesSampledData', rw('Energy.Active.Import.Register')],
    ['ClockAlignedDataInterval', rw('0')],
    ['MeterValuesAlignedData', rw('')],
    ['StopTxnSampledData', rw('')],
    ['NumberOfConnectors', { value: '1', readonly: true }],
    ['GetConfigurationMaxKeys', { value: '50', readonly: true }],
  ]);
}

test('policy on: Pending, configured while Pending, Accepted on the next boot', async () => {
  const api = apiClient(csms.apiUrl);
  const store = keyStore();
  const changes: Array<{ key: string; value: string; status: string }> = [];
  const answers = new Map<string, Record<string, unknown>>();
  const held: unknown[][] = [];
  // Until its first boot answer this charger holds the CSMS's CALLs: the reconciliation the connect starts would
  // otherwise race the first BootNotification, and the test is about the boot decision, not that race.
  let booted = false;

  const ws = new WebSocket(`${csms.ocppUrl}/ocpp/${ID}`, ['ocpp1.6']);
  const serve = (f: unknown[]): void => {
    const [, id, action, payload] = f as [number, string, string, Record<string, unknown>];
    if (action === 'GetConfiguration') {
      const asked = (payload.key as string[] | undefined) ?? [];
      const names = asked.length > 0 ? asked.filter((k) => store.has(k)) : [...store.keys()];
      ws.send(
        JSON.stringify([
          3,
          id,
          {
            configurationKey: names.map((k) => ({ key: k, readonly: store.get(k)?.readonly ?? true, value: store.get(k)?.value ?? '' })),
            unknownKey: asked.filter((k) => !store.has(k)),
          },
        ]),
      );
    } else if (action === 'ChangeConfiguration') {
      const { key, value } = payload as { key: string; value: string };
      const k = store.get(key);
      const status = !k ? 'NotSupported' : k.readonly ? 'Rejected' : 'Accepted';
      if (k && status === 'Accepted') k.value = value;
      changes.push({ key, value, status });
      ws.send(JSON.stringify([3, id, { status }]));
    } else {
      ws.send(JSON.stringify([4, id, 'NotImplemented', `${action} not simulated`, {}]));
    }
  };
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as unknown[];
    if (f[0] === 3) answers.set(f[1] as string, f[2] as Record<string, unknown>);
    else if (f[0] === 2) {
      if (booted) serve(f);
      else held.push(f);
    }
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const bootNotification = async (messageId: string): Promise<Record<string, unknown>> => {
    ws.send(JSON.stringify([2, messageId, 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' }]));
    return eventually(async () => answers.get(messageId), `answer to ${messageId}`);
  };

  try {
    // Known from its connection, so the operator can set the policy before it boots.
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}`)).status === 200 ? true : undefined), 'charger known');
    expect((await api.put(`/api/v1/chargers/${ID}/boot-policy`, { applyConfigurationBeforeAccept: 'yes' })).status).toBe(400);
    const set = await api.put(`/api/v1/chargers/${ID}/boot-policy`, { applyConfigurationBeforeAccept: true });
    expect(set.status).toBe(200);
    expect(set.body.bootPolicy).toEqual({ applyConfigurationBeforeAccept: true });
    expect((await api.get(`/api/v1/chargers/${ID}`)).body.bootPolicy).toEqual({ applyConfigurationBeforeAccept: true });

    // Nothing reported yet: not in sync. The default pending interval is 30 s.
    expect(await bootNotification('boot-1')).toMatchObject({ status: 'Pending', interval: 30 });
    booted = true;
    for (const f of held.splice(0)) serve(f);

    // While Pending the CSMS configures it: every effective desired key ends in the charger's store.
    const view = await eventually(async () => {
      const r = await api.get(`/api/v1/chargers/${ID}/configuration`);
      const drift = (r.body?.drift ?? []) as Array<{ state: string }>;
      return r.status === 200 && r.body.reported && drift.length > 0 && drift.every((d) => d.state === 'in-sync') ? r.body : undefined;
    }, 'configuration in sync');
    const effective = view.effective as Record<string, string>;
    for (const [key, value] of Object.entries(effective)) expect(store.get(key)?.value).toBe(value);
    expect(changes.map((c) => c.key)).toEqual(expect.arrayContaining(['HeartbeatInterval', 'MeterValueSampleInterval']));
    expect(changes.every((c) => c.status === 'Accepted')).toBe(true);

    // It boots again (this charger as soon as it is configured rather than after the full 30 s) and is Accepted.
    const second = await bootNotification('boot-2');
    expect(second).toMatchObject({ status: 'Accepted' });
    expect(second.interval).toBe(Number(effective.HeartbeatInterval));
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}`)).body?.boot?.status === 'Accepted' ? true : undefined), 'boot status Accepted');
  } finally {
    ws.close();
  }
});
