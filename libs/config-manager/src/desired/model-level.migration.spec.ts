/**
 * The upgrade to the model level (docs/reference/design-decisions.md#boot-provisioning) on a database as the previous
 * version left it: the fleet level seeded with Zaptec's
 * billing defaults (actor 'reconciler'), one of them since changed by an operator. Opened once with the old
 * migrations, filled, and opened again with every migration, as a new version starting on it does.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource, sqlOf } from '#csms/persistence';
import { ZAPTEC_BILLING_DEFAULTS } from '#csms/zaptec-profile';
import { REGISTRY_MIGRATIONS } from '../migrations/index.js';
import { ensureModelDefaults } from '../provisioning/model-defaults.js';
import { ConfigManagerDesiredInit1764200000000, DESIRED_MIGRATIONS } from './migration.js';

const ZAPTEC = ['zaptec-go', 'zaptec-go2', 'zaptec-pro', 'zaptec-unknown'];

describe('ConfigManagerModelLevel1764416160000: seeded fleet keys move to the Zaptec models', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'config-model-level-'));
  let db: DataSource | undefined;
  afterAll(async () => {
    await db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("moves what no operator touched, keeps the operator's fleet values, audits both, and seeds nothing over them", async () => {
    const old = await openDataSource({
      dataDir,
      migrations: [...REGISTRY_MIGRATIONS, ConfigManagerDesiredInit1764200000000],
    });
    // The previous version's seeding (HeartbeatInterval from HEARTBEAT_INTERVAL_S), then an operator's edit.
    const seeded: Record<string, string> = { ...ZAPTEC_BILLING_DEFAULTS, HeartbeatInterval: '300' };
    for (const [k, v] of Object.entries(seeded)) {
      await sqlOf(old).execute(`INSERT INTO config_desired (scope, scope_id, key, value, updated_by) VALUES ('fleet', '', $1, $2, 'reconciler')`, [k, v]);
      await sqlOf(old).execute(
        `INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome) VALUES ('reconciler', 'fleet', '', $1, NULL, $2, 'stored')`,
        [k, v],
      );
    }
    await sqlOf(old).execute(`UPDATE config_desired SET value = '30', updated_by = 'api:ops' WHERE scope = 'fleet' AND key = 'MeterValueSampleInterval'`);
    await sqlOf(old).execute(
      `INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome) VALUES ('api:ops', 'fleet', '', 'MeterValueSampleInterval', '60', '30', 'stored')`,
    );
    // Set by an operator, then back to the seeded value: still the operator's.
    await sqlOf(old).execute(
      `INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome) VALUES ('api:ops', 'fleet', '', 'StopTxnSampledData', 'x', $1, 'stored')`,
      [seeded.StopTxnSampledData],
    );
    await old.destroy();

    db = await openDataSource({ dataDir, migrations: [...REGISTRY_MIGRATIONS, ...DESIRED_MIGRATIONS] });
    const rows: Array<{ scope: string; scope_id: string; key: string; value: string }> = await sqlOf(db).query(
      `SELECT scope, scope_id, key, value FROM config_desired ORDER BY 1, 2, 3`,
    );
    const level = (scope: string, id: string): Record<string, string> =>
      Object.fromEntries(rows.filter((r) => r.scope === scope && r.scope_id === id).map((r) => [r.key, r.value]));
    expect(level('fleet', '')).toEqual({ MeterValueSampleInterval: '30', StopTxnSampledData: seeded.StopTxnSampledData });
    const { MeterValueSampleInterval: _operators, StopTxnSampledData: _alsoOperators, ...moved } = seeded;
    for (const m of ZAPTEC) expect(level('model', m)).toEqual(moved);
    expect(level('model', 'generic')).toEqual({});
    const audit: Array<{ actor: string; scope: string; scope_id: string; key: string; outcome: string }> = await sqlOf(db).query(
      `SELECT actor, scope, scope_id, key, outcome FROM config_audit WHERE actor = 'migration' ORDER BY id`,
    );
    expect(
      audit
        .filter((a) => a.scope === 'fleet')
        .map((a) => a.key)
        .sort(),
    ).toEqual(Object.keys(moved).sort());
    expect(audit.filter((a) => a.scope === 'model')).toHaveLength(Object.keys(moved).length * ZAPTEC.length);
    // The start-up seeding adds nothing: every model key was moved there, and the two left are the operator's.
    expect(await ensureModelDefaults(db, { HeartbeatInterval: '300' })).toBe(0);
    // A 'model' scope is now allowed, and refusals can be remembered per firmware and model.
    await sqlOf(db).execute(
      `INSERT INTO config_apply_state (charger_id, key, desired_value, outcome, at, firmware_version, model) VALUES ('ZAP1', 'K', 'v', 'Rejected', now(), '2.4.2.4', 'zaptec-go')`,
    );
  }, 120_000); // two embedded database starts with every migration
});
