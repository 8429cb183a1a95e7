import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, keyedBatcher, sqlOf, type Batcher, type Sql } from '#csms/persistence';
import { CERTIFICATE_STORE_KEYS } from '#csms/zaptec-profile';
import type { CampaignChargerState, CampaignState, RolloutPolicy, Transition, WaveCounts } from './rollout.js';
import type { ConfigFirmwareCampaignChargersRow, ConfigFirmwareCampaignsRow } from './store.rows.js';

/** Which chargers a campaign is for: exactly one of chargerIds, group, or model (optionally narrowed by firmware versions). */
export interface CampaignTarget {
  chargerIds?: string[];
  group?: string;
  model?: string;
  firmwareVersions?: string[];
}

/** What a signed campaign sends beside the location and retrieve time (SignedUpdateFirmware's `firmware`). */
export interface SignedFirmware {
  signingCertificate: string;
  signature: string;
  installDateTime?: string;
}

export interface CampaignView {
  campaignId: string;
  target: CampaignTarget;
  targetVersion: string;
  location: string;
  retrieveDate: string;
  retries: number | null;
  retryInterval: number | null;
  /** Null: UpdateFirmware; set: SignedUpdateFirmware to chargers with the security extension only. */
  signedFirmware: SignedFirmware | null;
  policy: RolloutPolicy;
  state: CampaignState;
  pausedReason: { code: string; message: string; wave?: number; failurePct?: number } | null;
  acceptedWave: number;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignChargerView {
  chargerId: string;
  wave: number | null;
  state: CampaignChargerState;
  reason: string | null;
  commandId: string | null;
  /** The requestId of its SignedUpdateFirmware (signed campaigns only). */
  requestId: number | null;
  lastStatus: string | null;
  attempts: number;
  startedAt: string | null;
  stateAt: string;
  finishedAt: string | null;
}

/** A charger the target resolved to, with what decides whether the campaign applies to it. */
export interface TargetedCharger {
  chargerId: string;
  model: string;
  firmwareVersion: string | null;
  /** The charger's reported SupportedFeatureProfiles (null: never read). */
  supportedFeatureProfiles: string | null;
  /** Which of CERTIFICATE_STORE_KEYS it reported (null: its configuration was never read). */
  certificateStoreKeys: string[] | null;
}

export interface NewCampaignCharger {
  chargerId: string;
  seq: number;
  wave: number;
  state: 'pending' | 'not-applicable';
  reason?: string;
}

/** An active row of a charger, with its campaign's target version. */
export interface ActiveRow {
  campaignId: string;
  chargerId: string;
  state: CampaignChargerState;
  targetVersion: string;
  /** The queue delivered its UpdateFirmware and the charger accepted it. */
  delivered: boolean;
  /** Its SignedUpdateFirmware's requestId (null: UpdateFirmware). */
  requestId: number | null;
  /** The charger's last boot came after the row started and reported the target version. */
  bootedOnTarget: boolean;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const ACTIVE = `('queued', 'downloading', 'downloaded', 'installing', 'installed')`;
/** SignedUpdateFirmware answers that mean the charger will not try (docs/reference/protocol-notes.md#signed-firmware). */
const REFUSED = `('Rejected', 'InvalidCertificate', 'RevokedCertificate')`;
const CAMPAIGN_COLUMNS =
  'campaign_id, target, target_version, location, retrieve_date, retries, retry_interval, signed_firmware, policy, state, paused_reason, accepted_wave, created_by, created_at, updated_at';

/** CAMPAIGN_COLUMNS of a campaign row, its jsonb columns read as the shapes the store writes there. */
type CampaignRow = Omit<ConfigFirmwareCampaignsRow, 'lease_until' | 'target' | 'signed_firmware' | 'paused_reason'> & {
  target: CampaignTarget;
  signed_firmware: SignedFirmware | null;
  paused_reason: CampaignView['pausedReason'];
};
const campaignView = (r: CampaignRow): CampaignView => ({
  campaignId: r.campaign_id,
  target: r.target,
  targetVersion: r.target_version,
  location: r.location,
  retrieveDate: iso(r.retrieve_date)!,
  retries: r.retries,
  retryInterval: r.retry_interval,
  signedFirmware: r.signed_firmware ?? null,
  policy: r.policy,
  state: r.state,
  pausedReason: r.paused_reason ?? null,
  acceptedWave: Number(r.accepted_wave),
  createdBy: r.created_by,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

type ChargerRow = Omit<ConfigFirmwareCampaignChargersRow, 'campaign_id' | 'seq'>;
const chargerView = (r: ChargerRow): CampaignChargerView => ({
  chargerId: r.charger_id,
  wave: r.wave,
  state: r.state,
  reason: r.reason,
  commandId: r.command_id,
  requestId: r.request_id,
  lastStatus: r.last_status,
  attempts: Number(r.attempts),
  startedAt: iso(r.started_at),
  stateAt: iso(r.state_at)!,
  finishedAt: iso(r.finished_at),
});

/**
 * The campaigns' rows (config_firmware_campaigns, config_firmware_campaign_chargers). Every state change is one
 * conditional UPDATE on the state it expects, so replicas sharing the database never move a charger twice.
 */
@Injectable()
export class FirmwareCampaignStore {
  /** Whether a charger has an active campaign row, asked at every boot and status: one statement per batch. */
  readonly hasActive: Batcher<string, boolean>;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.hasActive = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<Pick<ConfigFirmwareCampaignChargersRow, 'charger_id'>>(
          `SELECT DISTINCT charger_id FROM config_firmware_campaign_chargers WHERE charger_id = ANY($1::text[]) AND state IN ${ACTIVE}`,
          [ids],
        );
        return new Map(rows.map((r) => [r.charger_id, true]));
      },
      () => false,
    );
  }

  async resolveTarget(t: CampaignTarget): Promise<TargetedCharger[]> {
    const certKeys = CERTIFICATE_STORE_KEYS.map((k) => `'${k}'`).join(', ');
    const select = `SELECT c.charger_id, COALESCE(c.model_override, c.model) AS model, c.firmware_version,
      (SELECT r.value FROM config_reported r WHERE r.charger_id = c.charger_id AND r.key = 'SupportedFeatureProfiles') AS profiles,
      EXISTS (SELECT 1 FROM config_reported r WHERE r.charger_id = c.charger_id) AS config_read,
      ARRAY(SELECT r.key FROM config_reported r WHERE r.charger_id = c.charger_id AND r.key IN (${certKeys}) ORDER BY r.key) AS cert_keys
      FROM config_chargers c`;
    type Row = { charger_id: string; model: string; firmware_version: string | null; profiles: string | null; config_read: boolean; cert_keys: string[] };
    let rows: Row[];
    if (t.chargerIds) rows = await this.sql.query<Row>(`${select} WHERE c.charger_id = ANY($1::text[]) ORDER BY c.charger_id`, [t.chargerIds]);
    else if (t.group !== undefined)
      rows = await this.sql.query<Row>(`${select} JOIN config_group_members m ON m.charger_id = c.charger_id WHERE m.group_name = $1 ORDER BY c.charger_id`, [
        t.group,
      ]);
    else
      rows = await this.sql.query<Row>(
        `${select} WHERE COALESCE(c.model_override, c.model) = $1 AND ($2::text[] IS NULL OR c.firmware_version = ANY($2::text[])) ORDER BY c.charger_id`,
        [t.model, t.firmwareVersions ?? null],
      );
    return rows.map((r) => ({
      chargerId: r.charger_id,
      model: r.model,
      firmwareVersion: r.firmware_version,
      supportedFeatureProfiles: r.profiles,
      certificateStoreKeys: r.config_read ? r.cert_keys : null,
    }));
  }

  async insert(
    c: Omit<CampaignView, 'state' | 'pausedReason' | 'acceptedWave' | 'createdAt' | 'updatedAt'>,
    chargers: NewCampaignCharger[],
  ): Promise<CampaignView> {
    const rows = await this.sql.query<CampaignRow>(
      `INSERT INTO config_firmware_campaigns (campaign_id, target, target_version, location, retrieve_date, retries, retry_interval, policy, state, created_by, signed_firmware)
       VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8::jsonb, 'running', $9, $10::jsonb) RETURNING ${CAMPAIGN_COLUMNS}`,
      [
        c.campaignId,
        JSON.stringify(c.target),
        c.targetVersion,
        c.location,
        c.retrieveDate,
        c.retries,
        c.retryInterval,
        JSON.stringify(c.policy),
        c.createdBy,
        c.signedFirmware ? JSON.stringify(c.signedFirmware) : null,
      ],
    );
    if (chargers.length > 0) {
      await this.sql.execute(
        `INSERT INTO config_firmware_campaign_chargers (campaign_id, charger_id, seq, wave, state, reason, finished_at)
         SELECT $1, u.id, u.seq, u.wave, u.state, u.reason, CASE WHEN u.state = 'not-applicable' THEN now() END
         FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::text[]) AS u(id, seq, wave, state, reason)`,
        [
          c.campaignId,
          chargers.map((x) => x.chargerId),
          chargers.map((x) => x.seq),
          chargers.map((x) => x.wave),
          chargers.map((x) => x.state),
          chargers.map((x) => x.reason ?? null),
        ],
      );
    }
    return campaignView(rows[0]);
  }

  async get(campaignId: string): Promise<CampaignView | undefined> {
    const rows = await this.sql.query<CampaignRow>(`SELECT ${CAMPAIGN_COLUMNS} FROM config_firmware_campaigns WHERE campaign_id = $1`, [campaignId]);
    return rows[0] ? campaignView(rows[0]) : undefined;
  }

  async list(state: CampaignState | undefined, limit: number, offset: number): Promise<{ items: CampaignView[]; total: number }> {
    const rows = await this.sql.query<CampaignRow & { total: string }>(
      `SELECT ${CAMPAIGN_COLUMNS}, count(*) OVER () AS total FROM config_firmware_campaigns WHERE ($1::text IS NULL OR state = $1)
       ORDER BY created_at DESC, campaign_id LIMIT $2 OFFSET $3`,
      [state ?? null, limit, offset],
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (rows.length === 0 && offset > 0)
      total = Number(
        (await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM config_firmware_campaigns WHERE ($1::text IS NULL OR state = $1)`, [state ?? null]))[0]
          .n,
      );
    return { items: rows.map(campaignView), total };
  }

  async counts(campaignId: string): Promise<Record<string, number>> {
    const rows = await this.sql.query<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM config_firmware_campaign_chargers WHERE campaign_id = $1 GROUP BY state`,
      [campaignId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  async chargers(
    campaignId: string,
    state: CampaignChargerState | undefined,
    limit: number,
    offset: number,
  ): Promise<{ items: CampaignChargerView[]; total: number }> {
    const rows = await this.sql.query<ChargerRow & { total: string }>(
      `SELECT charger_id, wave, state, reason, command_id, request_id, last_status, attempts, started_at, state_at, finished_at, count(*) OVER () AS total
       FROM config_firmware_campaign_chargers WHERE campaign_id = $1 AND ($2::text IS NULL OR state = $2) ORDER BY seq LIMIT $3 OFFSET $4`,
      [campaignId, state ?? null, limit, offset],
    );
    return { items: rows.map(chargerView), total: rows[0] ? Number(rows[0].total) : 0 };
  }

  async waveCounts(campaignId: string): Promise<WaveCounts[]> {
    const rows = await this.sql.query<{ wave: number; pending: string; active: string; succeeded: string; failed: string }>(
      `SELECT wave, count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state IN ${ACTIVE}) AS active,
         count(*) FILTER (WHERE state = 'succeeded') AS succeeded, count(*) FILTER (WHERE state = 'failed') AS failed
       FROM config_firmware_campaign_chargers WHERE campaign_id = $1 GROUP BY wave`,
      [campaignId],
    );
    return rows.map((r) => ({
      wave: Number(r.wave),
      pending: Number(r.pending),
      active: Number(r.active),
      succeeded: Number(r.succeeded),
      failed: Number(r.failed),
    }));
  }

  /** Campaigns in a state that still moves (running ones advance; paused and cancelled ones still follow their chargers). */
  async runningIds(): Promise<string[]> {
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignsRow, 'campaign_id'>>(
      `SELECT campaign_id FROM config_firmware_campaigns WHERE state = 'running'`,
    );
    return rows.map((r) => r.campaign_id);
  }

  /** Takes the right to advance a running campaign for `ms` (one replica at a time); false: another has it, or it is not running. */
  async lease(campaignId: string, ms: number): Promise<boolean> {
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignsRow, 'campaign_id'>>(
      `UPDATE config_firmware_campaigns SET lease_until = now() + $2 * interval '1 millisecond'
       WHERE campaign_id = $1 AND state = 'running' AND (lease_until IS NULL OR lease_until < now()) RETURNING campaign_id`,
      [campaignId, ms],
    );
    return rows.length > 0;
  }

  async release(campaignId: string): Promise<void> {
    await this.sql.execute(`UPDATE config_firmware_campaigns SET lease_until = NULL WHERE campaign_id = $1`, [campaignId]);
  }

  async setAcceptedWave(campaignId: string, wave: number): Promise<void> {
    await this.sql.execute(`UPDATE config_firmware_campaigns SET accepted_wave = $2, updated_at = now() WHERE campaign_id = $1 AND accepted_wave < $2`, [
      campaignId,
      wave,
    ]);
  }

  /** running -> paused / running|paused -> completed|cancelled / paused -> running; undefined when the campaign was not in `from`. */
  async setState(
    campaignId: string,
    from: CampaignState[],
    to: CampaignState,
    extra: { pausedReason?: CampaignView['pausedReason']; acceptedWave?: number } = {},
  ): Promise<CampaignView | undefined> {
    const rows = await this.sql.query<CampaignRow>(
      `UPDATE config_firmware_campaigns SET state = $3, paused_reason = $4::jsonb, accepted_wave = GREATEST(accepted_wave, COALESCE($5, accepted_wave)), updated_at = now()
       WHERE campaign_id = $1 AND state = ANY($2::text[]) RETURNING ${CAMPAIGN_COLUMNS}`,
      [campaignId, from, to, extra.pausedReason ? JSON.stringify(extra.pausedReason) : null, extra.acceptedWave ?? null],
    );
    return rows[0] ? campaignView(rows[0]) : undefined;
  }

  /**
   * Claims up to `count` pending chargers (of one wave when given) for sending, each with a new command id, and
   * for a signed campaign a new OCPP requestId.
   */
  async claimPending(
    campaignId: string,
    count: number,
    wave: number | undefined,
    withRequestId = false,
  ): Promise<Array<{ chargerId: string; commandId: string; requestId: number | null }>> {
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignChargersRow, 'charger_id' | 'request_id'> & { command_id: string }>(
      `UPDATE config_firmware_campaign_chargers SET state = 'queued', command_id = gen_random_uuid()::text, attempts = attempts + 1, started_at = now(), state_at = now(),
         request_id = CASE WHEN $4 THEN nextval('config_firmware_request_ids')::int END
       WHERE campaign_id = $1 AND state = 'pending' AND charger_id IN (
         SELECT charger_id FROM config_firmware_campaign_chargers WHERE campaign_id = $1 AND state = 'pending' AND ($3::int IS NULL OR wave = $3)
         ORDER BY seq LIMIT $2)
       RETURNING charger_id, command_id, request_id`,
      [campaignId, count, wave ?? null, withRequestId],
    );
    return rows.map((r) => ({ chargerId: r.charger_id, commandId: r.command_id, requestId: r.request_id }));
  }

  async activeRows(chargerId: string): Promise<ActiveRow[]> {
    const rows = await this.sql.query<
      Pick<ConfigFirmwareCampaignChargersRow, 'campaign_id' | 'charger_id' | 'state' | 'request_id'> &
        Pick<ConfigFirmwareCampaignsRow, 'target_version'> & { delivered: boolean | null; booted_on_target: boolean | null }
    >(
      `SELECT r.campaign_id, r.charger_id, r.state, c.target_version, r.request_id,
         q.status = 'succeeded' AND COALESCE(q.result->>'status', '') NOT IN ${REFUSED} AS delivered,
         b.boot_at > r.started_at AND b.firmware_version = c.target_version AS booted_on_target FROM config_firmware_campaign_chargers r
       JOIN config_firmware_campaigns c ON c.campaign_id = r.campaign_id LEFT JOIN config_queued_commands q ON q.command_id = r.command_id
       LEFT JOIN config_chargers b ON b.charger_id = r.charger_id
       WHERE r.charger_id = $1 AND r.state IN ${ACTIVE}`,
      [chargerId],
    );
    return rows.map((r) => ({
      campaignId: r.campaign_id,
      chargerId: r.charger_id,
      state: r.state,
      targetVersion: r.target_version,
      delivered: r.delivered === true,
      requestId: r.request_id,
      bootedOnTarget: r.booted_on_target === true,
    }));
  }

  /** Moves one charger from the state it was read in; false when something else moved it first. */
  async move(campaignId: string, chargerId: string, from: CampaignChargerState, to: Transition, lastStatus?: string): Promise<boolean> {
    const finished = to.state === 'succeeded' || to.state === 'failed' || to.state === 'cancelled';
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignChargersRow, 'charger_id'>>(
      `UPDATE config_firmware_campaign_chargers SET state = $4, reason = $5, state_at = now(), last_status = COALESCE($6, last_status),
         finished_at = CASE WHEN $7 THEN now() ELSE finished_at END
       WHERE campaign_id = $1 AND charger_id = $2 AND state = $3 RETURNING charger_id`,
      [campaignId, chargerId, from, to.state, to.reason ?? null, lastStatus ?? null, finished],
    );
    return rows.length > 0;
  }

  /** A status that moves nothing (Idle, a repeat, SignatureVerified) is kept as the row's last status. */
  async noteStatus(campaignId: string, chargerId: string, status: string): Promise<void> {
    await this.sql.execute(`UPDATE config_firmware_campaign_chargers SET last_status = $3 WHERE campaign_id = $1 AND charger_id = $2 AND state IN ${ACTIVE}`, [
      campaignId,
      chargerId,
      status,
    ]);
  }

  /**
   * Chargers of running or paused campaigns that ran out of time: in a reported state longer than the policy's
   * timeout, or queued with the queued command finished (delivered and answered) that long ago. A queued
   * command that failed, expired or was cancelled fails the charger at once (a claim whose command the queue never
   * stored, after 5 minutes: command-missing). An offline charger whose command
   * still waits in the queue never times out: it gets the update when it comes back.
   */
  async failOverdue(campaignId: string): Promise<number> {
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignChargersRow, 'charger_id'>>(
      `WITH due AS (
         SELECT r.charger_id, r.state,
           CASE WHEN q.command_id IS NULL THEN 'command-missing' WHEN q.status IN ('failed', 'expired', 'cancelled') THEN 'command-' || q.status
             WHEN r.state = 'queued' AND q.status = 'succeeded' AND q.result->>'status' IN ${REFUSED} THEN 'refused:' || (q.result->>'status')
             ELSE 'timeout' END AS reason
         FROM config_firmware_campaign_chargers r
         JOIN config_firmware_campaigns c ON c.campaign_id = r.campaign_id
         LEFT JOIN config_queued_commands q ON q.command_id = r.command_id
         WHERE r.campaign_id = $1 AND r.state IN ${ACTIVE} AND (
           (r.state <> 'queued' AND r.state_at < now() - (c.policy->>'perChargerTimeoutS')::int * interval '1 second')
           OR (r.state = 'queued' AND q.status IN ('failed', 'expired', 'cancelled'))
           -- SignedUpdateFirmware answered Rejected, InvalidCertificate or RevokedCertificate: the charger will not try
           OR (r.state = 'queued' AND q.status = 'succeeded' AND q.result->>'status' IN ${REFUSED})
           OR (r.state = 'queued' AND q.status = 'succeeded' AND q.finished_at < now() - (c.policy->>'perChargerTimeoutS')::int * interval '1 second')
           -- claimed, and the replica died before the queue stored its command
           OR (r.state = 'queued' AND q.command_id IS NULL AND r.state_at < now() - interval '5 minutes'))
       )
       UPDATE config_firmware_campaign_chargers r SET state = 'failed', reason = due.reason, state_at = now(), finished_at = now()
       FROM due WHERE r.campaign_id = $1 AND r.charger_id = due.charger_id AND r.state = due.state
       RETURNING r.charger_id`,
      [campaignId],
    );
    return rows.length;
  }

  /** Pending chargers of a cancelled campaign, and queued ones whose command is still waiting, become cancelled. */
  async cancelRemaining(campaignId: string, cancelledCommands: string[]): Promise<number> {
    const rows = await this.sql.query<Pick<ConfigFirmwareCampaignChargersRow, 'charger_id'>>(
      `UPDATE config_firmware_campaign_chargers SET state = 'cancelled', reason = 'campaign-cancelled', state_at = now(), finished_at = now()
       WHERE campaign_id = $1 AND (state = 'pending' OR (state = 'queued' AND command_id = ANY($2::text[]))) RETURNING charger_id`,
      [campaignId, cancelledCommands],
    );
    return rows.length;
  }

  async queuedCommandIds(campaignId: string): Promise<string[]> {
    const rows = await this.sql.query<{ command_id: string }>(
      `SELECT command_id FROM config_firmware_campaign_chargers WHERE campaign_id = $1 AND state = 'queued' AND command_id IS NOT NULL`,
      [campaignId],
    );
    return rows.map((r) => r.command_id);
  }
}
