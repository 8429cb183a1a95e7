import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ChargerMessage } from '#csms/bus';
import { Batcher, DATA_SOURCE, keyedBatcher, roundsOfDistinct, sqlOf, type Sql } from '#csms/persistence';
import type { BootNotificationRequest, BootNotificationResponse } from '#csms/ocpp';
import { detectChargerModel, type ChargerModel } from '../registry/charger-model.js';
import { decideBoot, type BootDecision, type BootIntervals } from './boot-decision.js';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from './registration-lookup.js';
import { CONFIG_MANAGER_OPTIONS } from '../config-manager.options.js';
import { ArrivalSurge, DEFAULT_SURGE_MAX_DEFER_MS, DEFAULT_SURGE_RATE_PER_S } from './arrival-surge.js';
import { watchSurge } from './surge-metrics.js';

/** Told after a BootNotification was recorded (for example boot provisioning in `desired/`). */
export interface BootedCharger {
  chargerId: string;
  /** Effective model after this boot (the override when one is set). */
  model: ChargerModel;
  status: BootDecision['status'];
  boot: BootNotificationRequest;
  at: string;
}
export type BootListener = (booted: BootedCharger) => void | Promise<void>;

/**
 * Why a charger's configuration is not yet what the operator wants (undefined: in sync). `bootAt` is when the
 * BootNotification was received: changes answered RebootRequired before it have had their reboot.
 */
export type ConfigurationSyncCheck = (chargerId: string, bootAt: Date) => Promise<string | undefined>;

type WarnLogger = Pick<Logger, 'warn'>;

/** The options BootService reads: the boot answer's intervals, and when follow-ups wait for a surge to pass. */
export interface BootServiceOptions extends BootIntervals {
  surgeRatePerS?: number;
  surgeMaxDeferMs?: number;
}

/**
 * Answers BootNotification: asks auth for the registration state, records the boot fields and the
 * detected model, and returns the OCPP answer. Recording is idempotent per (charger, messageId).
 */
@Injectable()
export class BootService implements OnModuleInit, OnModuleDestroy {
  private readonly listeners: BootListener[] = [];
  /**
   * Boots and connection events this process saw in the last second: the follow-ups of a connect or a boot
   * wait on it while a storm is being answered (arrival-surge.ts).
   */
  readonly arrivals: ArrivalSurge;
  private acceptedInterval?: (chargerId: string) => Promise<number | undefined>;
  private syncCheck?: ConfigurationSyncCheck;

  /**
   * When a fleet boots at once, the boots' reads and writes arriving together each share one statement
   * (see Batcher); a boot alone still goes out at once.
   */
  private readonly policies: Batcher<string, boolean>;
  private readonly records: Batcher<BootRecord, ChargerModel>;

  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(REGISTRATION_LOOKUP) private readonly lookup: RegistrationLookup,
    @Inject(CONFIG_MANAGER_OPTIONS) private readonly intervals: BootServiceOptions,
    @Optional() private readonly log: WarnLogger = new Logger('BootService'),
  ) {
    this.sql = sqlOf(db);
    this.arrivals = new ArrivalSurge({
      ratePerS: intervals.surgeRatePerS ?? DEFAULT_SURGE_RATE_PER_S,
      maxDeferMs: intervals.surgeMaxDeferMs ?? DEFAULT_SURGE_MAX_DEFER_MS,
    });
    this.policies = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<{ charger_id: string }>(
          `SELECT charger_id FROM config_chargers WHERE charger_id = ANY($1::text[]) AND apply_config_before_accept`,
          [ids],
        );
        return new Map(rows.map((r) => [r.charger_id, true]));
      },
      () => false,
    );
    this.records = new Batcher((items) => recordBoots(this.sql, items));
  }

  /**
   * Registers a listener called after each recorded boot, before the reply leaves. Listeners must not
   * send commands inline: a charger may not be addressed before it has its answer (docs/reference/protocol-notes.md#boot-states).
   */
  onBooted(listener: BootListener): void {
    this.listeners.push(listener);
  }

  /**
   * Where an Accepted boot's `interval` comes from when desired configuration knows the charger's
   * HeartbeatInterval (docs/reference/design-decisions.md#boot-provisioning: the heartbeat is brought to the fleet's value through the
   * BootNotification interval too, not only by ChangeConfiguration).
   */
  useAcceptedIntervalFrom(source: (chargerId: string) => Promise<number | undefined>): void {
    this.acceptedInterval = source;
  }

  /**
   * How the "apply the desired configuration before accepting" policy (docs/reference/design-decisions.md#boot-policy)
   * learns whether a charger is in
   * sync. Registration owns the policy (a config_chargers column); the desired-state part, which owns drift,
   * registers the check. Without a check the policy has nothing to wait for and chargers are Accepted.
   */
  useConfigurationSyncCheck(check: ConfigurationSyncCheck): void {
    this.syncCheck = check;
  }

  onModuleInit(): void {
    watchSurge(this.arrivals);
  }

  onModuleDestroy(): void {
    this.arrivals.stop();
    watchSurge(undefined);
  }

  async boot(msg: ChargerMessage<BootNotificationRequest>, now: Date = new Date()): Promise<BootNotificationResponse> {
    this.arrivals.note();
    const outcome = await this.lookup(msg.chargerId);
    let decision = decideBoot(outcome, this.intervals);
    if (decision.status === 'Accepted') decision = await this.applyBootPolicy(msg, decision);
    if (decision.status === 'Accepted' && this.acceptedInterval) {
      const desired = await this.acceptedInterval(msg.chargerId).catch(() => undefined);
      if (desired !== undefined) decision.interval = desired;
    }
    if (outcome.kind === 'unavailable') {
      this.log.warn(`BootNotification of ${msg.chargerId} answered Pending (retry in ${decision.interval} s): ${outcome.reason}`);
    }
    const detected = detectChargerModel({ chargerId: msg.chargerId, ...msg.payload });
    const model = await this.records.add({ msg, detected, decision });
    this.notify({ chargerId: msg.chargerId, model, status: decision.status, boot: msg.payload, at: msg.receivedAt });
    return { status: decision.status, currentTime: now.toISOString(), interval: decision.interval };
  }

  /**
   * OCPP 1.6 §4.2: while Pending the CSMS may configure the charger, which boots again after `interval`. The
   * reconciliation every boot starts (boot provisioning) applies the configuration; the next boot is Accepted.
   * A failed check is not a verdict on the charger: Pending with the short interval, as when auth is unavailable.
   */
  private async applyBootPolicy(msg: ChargerMessage<BootNotificationRequest>, accepted: BootDecision): Promise<BootDecision> {
    const check = this.syncCheck;
    if (!check) return accepted;
    const pending = (reason: string): BootDecision => ({ status: 'Pending', interval: this.intervals.pendingIntervalS, reason });
    try {
      if (!(await this.policies.add(msg.chargerId))) return accepted;
      const notInSync = await check(msg.chargerId, new Date(msg.receivedAt));
      return notInSync === undefined ? accepted : pending(`policy:apply-config-before-accept: ${notInSync}`);
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      this.log.warn(`boot policy of ${msg.chargerId} could not be judged, answered Pending: ${cause}`);
      return pending(`policy:apply-config-before-accept: check failed: ${cause}`);
    }
  }

  private notify(booted: BootedCharger): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(booted))
        .catch((err: unknown) => this.log.warn(`boot listener failed for ${booted.chargerId}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}

interface BootRecord {
  msg: ChargerMessage<BootNotificationRequest>;
  detected: ChargerModel;
  decision: BootDecision;
}

/**
 * Upserts the boot columns and appends to the boot log for many boots in one statement per round (atomic by
 * itself); returns each boot's effective model. An upsert may touch a row only once per statement, so two
 * boots of the same charger in one batch go in successive rounds, in arrival order.
 */
async function recordBoots(db: Sql, items: BootRecord[]): Promise<ChargerModel[]> {
  const out = new Array<ChargerModel>(items.length);
  for (const round of roundsOfDistinct(items, (it) => it.msg.chargerId)) {
    const col = <T>(f: (it: BootRecord) => T): T[] => round.map(([, it]) => f(it));
    const p = (it: BootRecord): BootNotificationRequest => it.msg.payload;
    // The upsert's WHERE keeps a redelivered, older BootNotification from overwriting a newer one; then it
    // returns no row and the model is the stored one (the statement's snapshot, which it left unchanged).
    // Rows in charger order: every multi-row write of config_chargers locks in that order (the lock-order rule in
    // registry/connections.service.ts), else a boot batch and a connection batch deadlock over two chargers.
    const rows = await db.query<{ n: string | number; model: ChargerModel }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
           WITH ORDINALITY AS t(charger_id, model, vendor, boot_model, cp_serial, cb_serial, firmware, iccid, imsi, meter_type,
             meter_serial, at, status, message_id, gateway_id, payload, reason, n)),
       up AS (
         INSERT INTO config_chargers (charger_id, model, boot_vendor, boot_model, charge_point_serial_number,
           charge_box_serial_number, firmware_version, iccid, imsi, meter_type, meter_serial_number, boot_at, boot_status)
         SELECT charger_id, model, vendor, boot_model, cp_serial, cb_serial, firmware, iccid, imsi, meter_type, meter_serial, at, status FROM input
          ORDER BY charger_id
         ON CONFLICT (charger_id) DO UPDATE SET
           model = COALESCE(config_chargers.model_override, EXCLUDED.model),
           boot_vendor = EXCLUDED.boot_vendor, boot_model = EXCLUDED.boot_model,
           charge_point_serial_number = EXCLUDED.charge_point_serial_number,
           charge_box_serial_number = EXCLUDED.charge_box_serial_number,
           firmware_version = EXCLUDED.firmware_version, iccid = EXCLUDED.iccid, imsi = EXCLUDED.imsi,
           meter_type = EXCLUDED.meter_type, meter_serial_number = EXCLUDED.meter_serial_number,
           boot_at = EXCLUDED.boot_at, boot_status = EXCLUDED.boot_status, updated_at = now()
         WHERE config_chargers.boot_at IS NULL OR config_chargers.boot_at <= EXCLUDED.boot_at
         RETURNING charger_id, model),
       log AS (
         INSERT INTO config_boot_log (charger_id, message_id, received_at, gateway_id, payload, detected_model, status, reason)
         SELECT charger_id, message_id, at, gateway_id, payload::jsonb, model, status, reason FROM input
         ON CONFLICT (charger_id, message_id) DO NOTHING)
       SELECT input.n, COALESCE(up.model, c.model, input.model) AS model FROM input
         LEFT JOIN up ON up.charger_id = input.charger_id
         LEFT JOIN config_chargers c ON c.charger_id = input.charger_id
        ORDER BY input.n`,
      [
        col((it) => it.msg.chargerId),
        col((it) => it.detected),
        col((it) => p(it).chargePointVendor),
        col((it) => p(it).chargePointModel),
        col((it) => p(it).chargePointSerialNumber ?? null),
        col((it) => p(it).chargeBoxSerialNumber ?? null),
        col((it) => p(it).firmwareVersion ?? null),
        col((it) => p(it).iccid ?? null),
        col((it) => p(it).imsi ?? null),
        col((it) => p(it).meterType ?? null),
        col((it) => p(it).meterSerialNumber ?? null),
        col((it) => it.msg.receivedAt),
        col((it) => it.decision.status),
        col((it) => it.msg.messageId),
        col((it) => it.msg.gatewayId),
        col((it) => JSON.stringify(p(it))),
        col((it) => it.decision.reason),
      ],
    );
    for (const r of rows) out[round[Number(r.n) - 1][0]] = r.model;
  }
  return out;
}
