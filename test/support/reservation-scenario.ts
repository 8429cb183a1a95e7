/**
 * The reservations flow (docs/reservations.md) with chargers that are not our simulator: ocpp-rpc clients in strict
 * mode (test/support/rpc-charger.ts). A Zaptec Pro (Reservation in its SupportedFeatureProfiles) gets ReserveNow with
 * the CSMS's reservationId; a StartTransaction by another idTag on the reserved connector is refused, the reserved
 * one's StartTransaction uses it; cancel and expiry; a Zaptec Go whose profiles lack Reservation gets a 422 and
 * nothing is sent to it. Run on the all-in-one (test/e2e) and on NATS + PostgreSQL (test/infra).
 */
import { expect } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { rpcCharger } from './rpc-charger.js';

export interface ReservationTarget {
  chargerOcppUrl: string;
  apiUrl: string;
}

/** A charger answering configuration reads from `keys`, recording every other CALL it gets and answering `answers[method]`. */
async function charger(
  target: ReservationTarget,
  open: RPCClient[],
  identity: string,
  boot: Record<string, string>,
  keys: Record<string, string>,
  answers: Record<string, () => unknown>,
) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const client = rpcCharger(
    `${target.chargerOcppUrl}/ocpp`,
    identity,
    {
      GetConfiguration: ({ params }) => {
        const wanted = (params.key as string[] | undefined) ?? [];
        const names = wanted.length ? wanted : Object.keys(keys);
        const unknownKey = names.filter((n) => !(n in keys));
        return {
          configurationKey: names.filter((n) => n in keys).map((key) => ({ key, readonly: true, value: keys[key] })),
          ...(unknownKey.length ? { unknownKey } : {}),
        };
      },
      ChangeConfiguration: () => ({ status: 'Rejected' }),
    },
    ({ method, params }) => {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`${method} not handled by this test charger`);
      return answer();
    },
  );
  await client.connect();
  open.push(client);
  expect(await client.call('BootNotification', boot)).toMatchObject({ status: 'Accepted' });
  return { client, calls };
}

const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();
const status = (client: RPCClient, s: string) =>
  client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: s, timestamp: new Date().toISOString() });

/**
 * Reserve, refuse another tag, consume by reservationId, cancel, expire; an unsupported model gets 422 with nothing
 * sent. The chargers connect at `chargerOcppUrl`; the API is asked at `apiUrl` (another gateway on a multi-gateway stack).
 */
export async function runReservationScenario(target: ReservationTarget): Promise<void> {
  const open: RPCClient[] = [];
  const api = () => apiClient(target.apiUrl);
  try {
    for (const idTag of ['RES-ALICE', 'RES-BOB']) expect((await api().post('/api/v1/id-tags', { idTag, status: 'Accepted' })).status).toBe(201);

    const pro = await charger(
      target,
      open,
      'ZPR080001',
      { chargePointVendor: 'Zaptec', chargePointModel: 'Pro', firmwareVersion: '1.5.0' },
      {
        SupportedFeatureProfiles: 'Core,FirmwareManagement,SmartCharging,RemoteTrigger,Reservation',
        NumberOfConnectors: '1',
        ReserveConnectorZeroSupported: 'false',
      },
      { ReserveNow: () => ({ status: 'Accepted' }), CancelReservation: () => ({ status: 'Accepted' }) },
    );
    const go = await charger(
      target,
      open,
      'ZAP000777',
      { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
      {
        SupportedFeatureProfiles: 'Core,FirmwareManagement,SmartCharging,RemoteTrigger',
        NumberOfConnectors: '1',
      },
      { ReserveNow: () => ({ status: 'Accepted' }) },
    );
    await status(pro.client, 'Available');

    // Validation before anything is stored or sent.
    const body = { chargerId: 'ZPR080001', connectorId: 1, idTag: 'RES-ALICE', expiresAt: inMinutes(10) };
    expect((await api().post('/api/v1/reservations', { ...body, expiresAt: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    expect((await api().post('/api/v1/reservations', { ...body, idTag: 'X'.repeat(21) })).status).toBe(400);
    expect((await api().post('/api/v1/reservations', { ...body, connectorId: -1 })).status).toBe(400);
    await eventually(async () => {
      const r = await api().get('/api/v1/chargers/ZPR080001/configuration');
      return r.body?.reported?.keys?.some((k: { key: string }) => k.key === 'ReserveConnectorZeroSupported') ? true : undefined;
    }, "the Pro's configuration read");
    const zero = await api().post('/api/v1/reservations', { ...body, connectorId: 0 });
    expect(zero.status).toBe(422);
    expect(zero.body.error).toBe('connector_zero_not_supported');

    // The Go's profiles lack Reservation: 422, and it never sees a ReserveNow.
    await eventually(async () => {
      const r = await api().get('/api/v1/chargers/ZAP000777');
      return r.body?.capabilities?.featureProfiles && !r.body.capabilities.featureProfiles.includes('Reservation') ? true : undefined;
    }, "the Go's SupportedFeatureProfiles read");
    const refused = await api().post('/api/v1/reservations', { ...body, chargerId: 'ZAP000777' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'not_supported_by_model', model: 'zaptec-go' });
    expect(go.calls.filter((c) => c.method === 'ReserveNow')).toEqual([]);
    expect((await api().get('/api/v1/reservations?chargerId=ZAP000777')).body.total).toBe(0);

    // Reserve: the charger gets the CSMS's reservationId.
    const created = await api().post('/api/v1/reservations', body);
    expect(created.status).toBe(201);
    const id = created.body.reservationId as number;
    expect(created.body).toMatchObject({ chargerId: 'ZPR080001', connectorId: 1, idTag: 'RES-ALICE', status: 'active', reserveStatus: 'Accepted' });
    expect(pro.calls.find((c) => c.method === 'ReserveNow')?.params).toEqual({
      connectorId: 1,
      expiryDate: body.expiresAt,
      idTag: 'RES-ALICE',
      reservationId: id,
    });
    await status(pro.client, 'Reserved');
    await eventually(async () => ((await api().get(`/api/v1/reservations/${id}`)).body?.connectorStatus === 'Reserved' ? true : undefined), 'Reserved shown');

    // Another driver on the reserved connector is not authorised; the reservation stands.
    const start = { connectorId: 1, meterStart: 1000, timestamp: new Date().toISOString() };
    expect(await pro.client.call('StartTransaction', { ...start, idTag: 'RES-BOB' })).toMatchObject({ idTagInfo: { status: 'Invalid' } });
    expect((await api().get(`/api/v1/reservations/${id}`)).body.status).toBe('active');

    // The reserved driver, naming the reservation: used, with the transaction.
    const started = (await pro.client.call('StartTransaction', {
      ...start,
      idTag: 'RES-ALICE',
      reservationId: id,
      timestamp: new Date(Date.now() + 1000).toISOString(),
    })) as { transactionId: number; idTagInfo: { status: string } };
    expect(started.idTagInfo.status).toBe('Accepted');
    const used = await eventually(async () => {
      const r = await api().get(`/api/v1/reservations/${id}`);
      return r.body?.transactionId !== null ? r.body : undefined;
    }, 'transaction linked');
    expect(used).toMatchObject({ status: 'used', transactionId: started.transactionId });
    expect((await api().get('/api/v1/reservations?chargerId=ZPR080001&status=used')).body.items.map((r: { reservationId: number }) => r.reservationId)).toEqual(
      [id],
    );
    await pro.client.call('StopTransaction', { transactionId: started.transactionId, meterStop: 2000, timestamp: new Date(Date.now() + 2000).toISOString() });
    await status(pro.client, 'Available');

    // Cancel: CancelReservation with the id; cancelling again is a 409 and sends nothing.
    const second = (await api().post('/api/v1/reservations', body)).body;
    const cancelled = await api().delete(`/api/v1/reservations/${second.reservationId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelStatus: 'Accepted' });
    expect(pro.calls.filter((c) => c.method === 'CancelReservation').map((c) => c.params)).toEqual([{ reservationId: second.reservationId }]);
    expect((await api().delete(`/api/v1/reservations/${second.reservationId}`)).status).toBe(409);
    expect(pro.calls.filter((c) => c.method === 'CancelReservation')).toHaveLength(1);
    expect((await api().delete('/api/v1/reservations/2147483000')).status).toBe(404);

    // Expiry: past expiresAt it is expired; the charger dropping Reserved by itself breaks nothing.
    const third = (await api().post('/api/v1/reservations', { ...body, expiresAt: new Date(Date.now() + 1500).toISOString() })).body;
    expect(third.status).toBe('active');
    await status(pro.client, 'Reserved');
    await eventually(async () => ((await api().get(`/api/v1/reservations/${third.reservationId}`)).body?.status === 'expired' ? true : undefined), 'expired');
    await status(pro.client, 'Available');
    expect(await pro.client.call('StartTransaction', { ...start, idTag: 'RES-BOB', timestamp: new Date(Date.now() + 3000).toISOString() })).toMatchObject({
      idTagInfo: { status: 'Accepted' },
    });
    await eventually(
      async () => ((await api().get(`/api/v1/reservations/${third.reservationId}`)).body?.connectorStatus === 'Available' ? true : undefined),
      'Available shown',
    );

    // A charger that is not connected: 404, kept as failed, never active.
    const nobody = await api().post('/api/v1/reservations', { ...body, chargerId: 'ZPR089999' });
    expect(nobody.status).toBe(404);
    expect(nobody.body).toMatchObject({ error: 'not_connected', reservation: { status: 'failed' } });
    expect((await api().get('/api/v1/reservations?status=active')).body.items).toEqual([]);
  } finally {
    for (const c of open) await c.close({ force: true }).catch(() => undefined);
  }
}

/**
 * The same flow with our simulator as a Zaptec Pro: the CSMS's ReserveNow shows Reserved, the charger itself refuses
 * another driver's tag, and the reserved driver's start carries the reservationId, which the CSMS records as used.
 */
export async function runSimulatedReservation(target: ReservationTarget): Promise<void> {
  const api = () => apiClient(target.apiUrl);
  const ID = 'ZPR080101';
  for (const idTag of ['SIM-ALICE', 'SIM-BOB']) expect((await api().post('/api/v1/id-tags', { idTag, status: 'Accepted' })).status).toBe(201);
  const charger = new SimulatedCharger({ url: target.chargerOcppUrl, identity: ID, model: 'pro', reconnectDelayMs: 100 });
  charger.start();
  try {
    await charger.waitFor('booted');
    await eventually(async () => {
      const r = await api().get(`/api/v1/chargers/${ID}`);
      return r.body?.capabilities?.featureProfiles?.includes('Reservation') ? true : undefined;
    }, "the simulated Pro's SupportedFeatureProfiles read");
    const created = await api().post('/api/v1/reservations', { chargerId: ID, connectorId: 1, idTag: 'SIM-ALICE', expiresAt: inMinutes(10) });
    expect(created.status).toBe(201);
    const id = created.body.reservationId as number;
    await eventually(async () => ((await api().get(`/api/v1/reservations/${id}`)).body?.connectorStatus === 'Reserved' ? true : undefined), 'Reserved shown');

    const refused: string[] = [];
    charger.on('reservedForOther', (tag: string) => refused.push(tag));
    await charger.plugIn('SIM-BOB');
    expect(refused).toEqual(['SIM-BOB']);
    expect((await api().get(`/api/v1/reservations/${id}`)).body.status).toBe('active');
    await charger.presentIdTag('SIM-ALICE');
    const used = await eventually(async () => {
      const r = await api().get(`/api/v1/reservations/${id}`);
      return r.body?.status === 'used' && r.body.transactionId !== null ? r.body : undefined;
    }, 'reservation used by the started transaction');
    const tx = await eventually(async () => {
      const r = await api().get(`/api/v1/transactions/${used.transactionId}`);
      return r.status === 200 ? r.body : undefined;
    }, 'transaction stored');
    expect(tx).toMatchObject({ chargerId: ID, idTag: 'SIM-ALICE' });
  } finally {
    await charger.stop();
  }
}
