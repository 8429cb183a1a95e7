/**
 * Desired charging profiles (docs/charging-profiles.md) on the all-in-one with our simulator and the admin token: a
 * group profile set is validated (field and rule named), applied to a simulated Go, checked with
 * GetCompositeSchedule, lost by the charger on a Reset and applied again after its BootNotification, then removed by
 * id with ClearChargingProfile.
 */
import { jest } from '@jest/globals';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';
import { openSse, type SseStream } from '../support/sse-client.js';

jest.setTimeout(180_000);

const ADMIN_TOKEN = `csms_e2e_${'p'.repeat(40)}`;
const ID = 'ZAP000701';
let csms: ServiceProcess;
let api: ReturnType<typeof apiClient>;
let charger: SimulatedCharger;
let live: SseStream | undefined;
const received: string[] = [];

beforeAll(async () => {
  csms = await startService({ env: { API_AUTH: 'token', API_ADMIN_TOKEN: ADMIN_TOKEN } });
  api = apiClient(csms.apiUrl, { token: ADMIN_TOKEN });
  charger = new SimulatedCharger({ url: `${csms.ocppUrl}/ocpp`, identity: ID, model: 'go', reconnectDelayMs: 100, rebootDelayMs: 200 });
  charger.on('received', (action: string) => received.push(action));
  charger.start();
  await charger.waitFor('booted');
});
afterAll(async () => {
  live?.close();
  await charger?.stop();
  await csms?.kill();
});

// An hour into its schedule: 25 A, then 16 A from 3600 s, then 10 A from 5400 s; the charge point maximum is 20 A.
const start = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString();
const maxProfile = {
  connectorId: 0,
  csChargingProfiles: {
    chargingProfileId: 1,
    stackLevel: 0,
    chargingProfilePurpose: 'ChargePointMaxProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: start, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 20 }] },
  },
};
const defaultProfile = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  connectorId: 1,
  csChargingProfiles: {
    chargingProfileId: 2,
    stackLevel: 1,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: {
      startSchedule: start,
      chargingRateUnit: 'A',
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 25 },
        { startPeriod: 3600, limit: 16 },
        { startPeriod: 5400, limit: 10 },
      ],
    },
    ...over,
  },
});

interface ProfileView {
  csChargingProfiles: { chargingProfileId: number };
  inSync: boolean;
  state: { outcome: string; at: string } | null;
}
const profiles = async (): Promise<ProfileView[]> => (await api.get(`/api/v1/chargers/${ID}/charging-profiles`)).body.profiles as ProfileView[];
const allInSync = (after?: number) => async (): Promise<ProfileView[] | undefined> => {
  const p = await profiles();
  return p.length > 0 && p.every((x) => x.inSync && (after === undefined || Date.parse(x.state?.at ?? '') > after)) ? p : undefined;
};
const count = (action: string): number => received.filter((a) => a === action).length;

test('a group profile is validated, applied, re-applied after a Reset, checked with GetCompositeSchedule and cleared by id', async () => {
  // The charger's SmartCharging keys are read by the configuration's first reconciliation.
  await eventually(async () => {
    const keys = (await api.get(`/api/v1/chargers/${ID}/configuration`)).body.reported?.keys as Array<{ key: string }> | undefined;
    return keys?.some((k) => k.key === 'ChargeProfileMaxStackLevel') ? true : undefined;
  }, 'SmartCharging keys reported');
  expect((await api.put('/api/v1/groups/garage/members', { chargerIds: [ID] })).status).toBe(200);

  expect((await apiClient(csms.apiUrl, { token: null }).get(`/api/v1/chargers/${ID}/charging-profiles`)).status).toBe(401);

  // Refused before anything is stored, each refusal naming field and rule.
  const high = await api.put('/api/v1/groups/garage/charging-profiles', {
    profiles: [{ ...maxProfile, csChargingProfiles: { ...maxProfile.csChargingProfiles, stackLevel: 9 } }, defaultProfile()],
  });
  expect(high.status).toBe(422);
  expect(high.body.errors).toEqual([expect.objectContaining({ field: 'profiles[0].csChargingProfiles.stackLevel', rule: 'stackLevel.max' })]);
  const overSiteLimits = await api.put('/api/v1/groups/garage/charging-profiles', { profiles: [maxProfile, defaultProfile({ stackLevel: 8 })] });
  expect(overSiteLimits.body.errors).toEqual([
    expect.objectContaining({ field: 'profiles[1].csChargingProfiles.stackLevel', rule: 'stackLevel.siteLimitReserved' }),
  ]);
  expect(high.body.errors[0].message).toContain(`member ${ID}`);
  const reserved = await api.put('/api/v1/groups/garage/charging-profiles', { profiles: [defaultProfile({ chargingProfileId: 900_000_001 })] });
  expect(reserved.status).toBe(422);
  expect(reserved.body.errors).toEqual([expect.objectContaining({ rule: 'chargingProfileId.reserved' })]);
  const tx = await api.put('/api/v1/groups/garage/charging-profiles', { profiles: [defaultProfile({ chargingProfilePurpose: 'TxProfile' })] });
  expect(tx.body.errors).toEqual([
    expect.objectContaining({ field: 'profiles[0].csChargingProfiles.chargingProfilePurpose', rule: 'purpose.txProfileNotDesired' }),
  ]);
  const maxOnOne = await api.put('/api/v1/groups/garage/charging-profiles', { profiles: [{ ...maxProfile, connectorId: 1 }] });
  expect(maxOnOne.body.errors).toEqual([expect.objectContaining({ field: 'profiles[0].connectorId', rule: 'purpose.chargePointMaxOnConnectorZero' })]);
  expect(count('SetChargingProfile')).toBe(0);

  live = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=${ID}&types=charging-profile`, { Authorization: `Bearer ${ADMIN_TOKEN}` });
  const put = await api.put('/api/v1/groups/garage/charging-profiles', { profiles: [maxProfile, defaultProfile()] });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ group: 'garage', members: [ID] });
  const applied = await eventually(allInSync(), 'both profiles Accepted');
  expect(applied.map((p) => p.state?.outcome)).toEqual(['Accepted', 'Accepted']);
  expect(count('SetChargingProfile')).toBe(2);
  // Each SetChargingProfile is a live event too.
  const event = await live.next((e) => e.type === 'charging-profile' && e.data.chargingProfileId === 2);
  expect(event.data).toMatchObject({ chargerId: ID, action: 'set', outcome: 'Accepted' });
  const group = (await api.get('/api/v1/groups/garage/charging-profiles')).body;
  expect(group.outcomes[ID].map((o: { outcome: string }) => o.outcome)).toEqual(['Accepted', 'Accepted']);

  // The charger's own composite: min(20 A, 16 A) now, 10 A once the default's third period starts (about 1800 s in).
  const composite = await api.get(`/api/v1/chargers/${ID}/charging-profiles/composite-schedule?connectorId=1&duration=7200`);
  expect(composite.status).toBe(200);
  expect(composite.body.reported.status).toBe('Accepted');
  expect(composite.body.reported.chargingSchedule.chargingSchedulePeriod.map((p: { limit: number }) => p.limit)).toEqual([16, 10]);
  expect(composite.body.drift).toEqual({ state: 'in-sync', differences: [] });

  // A Reset: the simulated Go drops its profiles, boots again, and gets them back.
  const resetAt = Date.now();
  expect((await api.post(`/api/v1/chargers/${ID}/commands/Reset`, { type: 'Soft' })).body.result).toEqual({ status: 'Accepted' });
  await charger.waitFor('offline');
  await charger.waitFor('booted');
  await eventually(allInSync(resetAt), 'both profiles Accepted again after the boot');
  expect(count('SetChargingProfile')).toBe(4);
  const again = await api.get(`/api/v1/chargers/${ID}/charging-profiles/composite-schedule?connectorId=1&duration=7200`);
  expect(again.body.drift.state).toBe('in-sync');

  // Removing the default profile clears it by id; the composite then holds the 20 A maximum alone.
  const del = await api.delete('/api/v1/groups/garage/charging-profiles/2');
  expect(del.status).toBe(200);
  await eventually(async () => (count('ClearChargingProfile') === 1 ? true : undefined), 'ClearChargingProfile sent');
  const after = await api.get(`/api/v1/chargers/${ID}/charging-profiles/composite-schedule?connectorId=1&duration=600`);
  expect(after.body.reported.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 20 }]);
  expect(after.body.drift.state).toBe('in-sync');
  expect((await api.delete('/api/v1/groups/garage/charging-profiles/900000001')).status).toBe(400);
});
