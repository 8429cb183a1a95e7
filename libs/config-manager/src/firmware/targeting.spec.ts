import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { firmwareReplica, TEST_SIGNING_CERTIFICATE as PEM } from '../test-support/firmware.js';
import type { CreateCampaignRequest, FirmwareCampaignService } from './campaigns.service.js';

/**
 * Which chargers a campaign selects (the store's resolveTarget) and which of them it may send to (the service):
 * a fleet of mixed models, versions and groups, each target kind picking exactly its chargers.
 */
describe('firmware campaign targeting on PGlite', () => {
  let t: TestDatabase;
  let bus: InProcessBus;
  let service: FirmwareCampaignService;

  // [id, detected model, model override, firmware version, group]
  const FLEET: Array<[string, string, string | null, string | null, string | null]> = [
    ['T-GO-1', 'zaptec-go', null, '2.4.2.4', 'garage'],
    ['T-GO-2', 'zaptec-go', null, '2.4.2.4', 'street'],
    ['T-GO-3', 'zaptec-go', null, '2.5.0.0', 'garage'],
    ['T-GO-4', 'zaptec-go', null, null, null],
    ['T-GO2-1', 'zaptec-go2', null, '3.2.1.0', 'garage'],
    ['T-PRO-1', 'zaptec-pro', null, '7.5.4.0', 'street'],
    // Detected as generic, overridden by an operator: the effective model counts.
    ['T-OVR-1', 'generic', 'zaptec-go', '2.4.2.4', null],
    ['T-GEN-1', 'generic', null, '5.1', 'garage'],
    ['T-GEN-2', 'generic', null, '5.1', null],
  ];

  beforeAll(async () => {
    t = await openTestDatabase();
    bus = new InProcessBus();
    for (const [id, model, override, version, group] of FLEET) {
      await t.db.query(`INSERT INTO config_chargers (charger_id, model, model_override, firmware_version) VALUES ($1, $2, $3, $4)`, [
        id,
        model,
        override,
        version,
      ]);
      if (group) {
        await t.db.query(`INSERT INTO config_groups (name) VALUES ($1) ON CONFLICT DO NOTHING`, [group]);
        await t.db.query(`INSERT INTO config_group_members (charger_id, group_name) VALUES ($1, $2)`, [id, group]);
      }
    }
    // The Pro reported profiles without FirmwareManagement; T-GEN-1 a certificate store; T-GEN-2 only Basic Auth keys.
    const reported: Array<[string, string, string]> = [
      ['T-PRO-1', 'SupportedFeatureProfiles', 'Core,SmartCharging,RemoteTrigger,Reservation'],
      ['T-GEN-1', 'SupportedFeatureProfiles', 'Core,FirmwareManagement'],
      ['T-GEN-1', 'CertificateStoreMaxLength', '10'],
      ['T-GEN-2', 'SupportedFeatureProfiles', 'Core,FirmwareManagement'],
      ['T-GEN-2', 'SecurityProfile', '1'],
      ['T-GO-1', 'SecurityProfile', '1'],
    ];
    for (const [id, key, value] of reported)
      await t.db.query(`INSERT INTO config_reported (charger_id, key, value, readonly, reported_at) VALUES ($1, $2, $3, true, now())`, [id, key, value]);
    service = firmwareReplica(t.db, bus).service;
  });
  afterAll(async () => {
    await bus.close();
    await t.close();
  });

  const BASE: Omit<CreateCampaignRequest, 'target'> = {
    targetVersion: '2.6.0.0',
    location: 'https://fw.example/go/2.6.0.0.bin',
    policy: { maxConcurrent: 1, failureThresholdPct: 100, perChargerTimeoutS: 600 },
  };
  /** The campaign's chargers as [id, state, reason] after creating it (cancelled at once: nothing else must move). */
  async function selected(req: Partial<CreateCampaignRequest> & Pick<CreateCampaignRequest, 'target'>): Promise<Array<[string, string, string | null]>> {
    const created = await service.create({ ...BASE, ...req });
    if (!created.ok) throw new Error(JSON.stringify(created.body));
    const rows = created.data.chargers.items.map((r): [string, string, string | null] => [r.chargerId, r.state, r.reason]);
    await service.cancel(created.data.campaignId, 'test');
    return rows.sort((a, b) => a[0].localeCompare(b[0]));
  }
  const ids = (rows: Array<[string, string, string | null]>, state?: string): string[] => rows.filter((r) => !state || r[1] === state).map((r) => r[0]);

  it('a group target selects its members now, whatever their model; one without FirmwareManagement is not applicable', async () => {
    expect(ids(await selected({ target: { group: 'garage' } }))).toEqual(['T-GEN-1', 'T-GO-1', 'T-GO-3', 'T-GO2-1']);
    const street = await selected({ target: { group: 'street' } });
    expect(ids(street)).toEqual(['T-GO-2', 'T-PRO-1']);
    expect(street.find((r) => r[0] === 'T-PRO-1')).toEqual(['T-PRO-1', 'not-applicable', expect.stringContaining('lacks FirmwareManagement')]);
    expect(ids(street, 'pending')).toEqual(['T-GO-2']);
  });

  it('a group with no members matches no charger: 422 no_chargers', async () => {
    await t.db.query(`INSERT INTO config_groups (name) VALUES ('empty')`);
    const r = await service.create({ ...BASE, target: { group: 'empty' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && [r.status, r.body.error]).toEqual([422, 'no_chargers']);
  });

  it('a model target selects the effective model (an override counts), narrowed by firmware versions', async () => {
    expect(ids(await selected({ target: { model: 'zaptec-go' } }))).toEqual(['T-GO-1', 'T-GO-2', 'T-GO-3', 'T-GO-4', 'T-OVR-1']);
    expect(ids(await selected({ target: { model: 'zaptec-go', firmwareVersions: ['2.4.2.4'] } }))).toEqual(['T-GO-1', 'T-GO-2', 'T-OVR-1']);
    expect(ids(await selected({ target: { model: 'zaptec-go', firmwareVersions: ['2.4.2.4', '2.5.0.0'] } }))).toEqual([
      'T-GO-1',
      'T-GO-2',
      'T-GO-3',
      'T-OVR-1',
    ]);
    expect(ids(await selected({ target: { model: 'generic' } }))).toEqual(['T-GEN-1', 'T-GEN-2']);
    const none = await service.create({ ...BASE, target: { model: 'zaptec-go2', firmwareVersions: ['9.9'] } });
    expect(!none.ok && none.body.error).toBe('no_chargers');
  });

  it('firmwareVersions without a model, and two target kinds at once, are refused naming the field', async () => {
    const versions = await service.create({ ...BASE, target: { group: 'garage', firmwareVersions: ['2.4.2.4'] } });
    expect(!versions.ok && versions.body.errors).toEqual([expect.objectContaining({ field: 'target.firmwareVersions', rule: 'withModel' })]);
    const two = await service.create({ ...BASE, target: { group: 'garage', model: 'zaptec-go' } });
    expect(!two.ok && two.body.errors).toEqual([expect.objectContaining({ field: 'target', rule: 'exactlyOne' })]);
  });

  it('a signed campaign applies only to chargers that reported a certificate store; the rest are not applicable', async () => {
    const signedFirmware = { signingCertificate: PEM, signature: 'c2lnbmF0dXJl' };
    const rows = await selected({ target: { group: 'garage' }, signedFirmware });
    expect(ids(rows, 'pending')).toEqual(['T-GEN-1']);
    expect(rows.find((r) => r[0] === 'T-GO-1')).toEqual(['T-GO-1', 'not-applicable', expect.stringContaining('reports none of CertificateStoreMaxLength')]);
    // Never read: no evidence, so not sent.
    expect(rows.find((r) => r[0] === 'T-GO-3')).toEqual(['T-GO-3', 'not-applicable', expect.stringContaining('never read')]);
    expect(ids(await selected({ target: { model: 'generic' }, signedFirmware }), 'pending')).toEqual(['T-GEN-1']);
    const early = await service.create({
      ...BASE,
      target: { model: 'generic' },
      retrieveDate: '2030-01-02T00:00:00.000Z',
      signedFirmware: { ...signedFirmware, installDateTime: '2030-01-01T00:00:00.000Z' },
    });
    expect(!early.ok && early.body.errors).toEqual([expect.objectContaining({ field: 'signedFirmware.installDateTime', rule: 'notBeforeRetrieve' })]);
  });
});
