import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { QueuedCommandState } from '#csms/bus';
import { DATA_SOURCE, inOneSnapshot, keyedBatcher, type Batcher, sqlOf, type Sql } from '#csms/persistence';
import type { Settlement } from './settle.js';
import type { ConfigQueuedCommandsRow, QueuedCommandError } from './store.rows.js';

/** One queued command as the API shows it. */
export interface QueuedCommandView {
  commandId: string;
  chargerId: string;
  action: string;
  payload: unknown;
  status: QueuedCommandState;
  createdAt: string;
  expiresAt: string;
  requestedBy: string | null;
  attempts: number;
  finishedAt: string | null;
  result: unknown;
  error: QueuedCommandError | null;
  cancelledBy: string | null;
}

export interface AttemptView {
  attempt: number;
  /** The command id the gateway executed for this attempt (one per attempt: the gateway runs an id once). */
  sentCommandId: string;
  startedAt: string;
  finishedAt: string | null;
  /** ok, callerror, timeout, connection-lost, invalid; interrupted (the delivering replica died); null while in flight. */
  outcome: string | null;
  detail: unknown;
}

export interface NewQueuedCommand {
  commandId: string;
  chargerId: string;
  action: string;
  payload: unknown;
  expiresAt: Date;
  requestedBy?: string;
}

/** The columns of COLUMNS. */
type Row = Pick<
  ConfigQueuedCommandsRow,
  | 'command_id'
  | 'charger_id'
  | 'action'
  | 'payload'
  | 'status'
  | 'created_at'
  | 'expires_at'
  | 'requested_by'
  | 'attempts'
  | 'finished_at'
  | 'result'
  | 'error'
  | 'cancelled_by'
>;

const iso = (v: Date | string): string => new Date(v).toISOString();
const view = (r: Row): QueuedCommandView => ({
  commandId: r.command_id,
  chargerId: r.charger_id,
  action: r.action,
  payload: r.payload,
  status: r.status,
  createdAt: iso(r.created_at),
  expiresAt: iso(r.expires_at),
  requestedBy: r.requested_by,
  attempts: Number(r.attempts),
  finishedAt: r.finished_at === null ? null : iso(r.finished_at),
  result: r.result ?? null,
  error: r.error ?? null,
  cancelledBy: r.cancelled_by,
});

const COLUMNS = 'command_id, charger_id, action, payload, status, created_at, expires_at, requested_by, attempts, finished_at, result, error, cancelled_by';
/**
 * A Reset held after an attempt whose connection closed mid-call, on a charger that booted after that: the reboot
 * it asked for. settleRebootedResets settles exactly these and claimNext never claims one, so a boot recorded
 * between the two cannot send the Reset again to the charger it rebooted. Over `q` (the command) and `c` (its
 * charger's row); NULL when the command was never held.
 */
const REBOOT_SETTLED_RESET = `(q.action = 'Reset' AND c.boot_at > q.held_at AND EXISTS (SELECT 1 FROM config_queued_command_attempts a
  WHERE a.command_id = q.command_id AND a.attempt = q.attempts AND a.outcome = 'connection-lost'))`;
export const OPEN_STATES = ['pending', 'delivering'] as const;

/**
 * The queued commands' rows (config_queued_commands, config_queued_command_attempts). Every state change is one
 * conditional UPDATE, so replicas sharing the database never deliver one command twice at once: a claim takes
 * the charger's oldest open command only while it is still pending (docs/reference/design-decisions.md#queued-commands).
 */
@Injectable()
export class QueuedCommandStore {
  /**
   * Whether a charger has open commands, asked at every Accepted boot: a fleet booting at once shares one
   * statement per batch (docs/CONVENTIONS-FOR-CONTRIBUTORS.md), and only chargers with commands go further.
   */
  readonly hasOpen: Batcher<string, boolean>;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.hasOpen = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<{ charger_id: string }>(
          `SELECT DISTINCT charger_id FROM config_queued_commands WHERE charger_id = ANY($1::text[]) AND status IN ('pending', 'delivering')`,
          [ids],
        );
        return new Map(rows.map((r) => [r.charger_id, true]));
      },
      () => false,
    );
  }

  async insert(c: NewQueuedCommand): Promise<QueuedCommandView> {
    const rows = await this.sql.query<Row>(
      `INSERT INTO config_queued_commands (command_id, charger_id, action, payload, status, expires_at, requested_by)
       VALUES ($1, $2, $3, $4::jsonb, 'pending', $5, $6) RETURNING ${COLUMNS}`,
      [c.commandId, c.chargerId, c.action, JSON.stringify(c.payload ?? {}), c.expiresAt.toISOString(), c.requestedBy ?? null],
    );
    return view(rows[0]);
  }

  /** The registry's row for the charger: whether it is known, connected, and Accepted at its last boot. */
  async chargerState(chargerId: string): Promise<{ connected: boolean; accepted: boolean } | undefined> {
    const rows = await this.sql.query<{ connected: boolean; boot_status: string | null }>(
      `SELECT connected, boot_status FROM config_chargers WHERE charger_id = $1`,
      [chargerId],
    );
    return rows[0] ? { connected: rows[0].connected, accepted: rows[0].boot_status === 'Accepted' } : undefined;
  }

  /** Pending commands whose expiresAt has passed become expired (one charger, or all of them). */
  async expireDue(chargerId?: string): Promise<QueuedCommandView[]> {
    const result = await this.sql.query<Row>(
      `UPDATE config_queued_commands SET status = 'expired', finished_at = now()
       WHERE status = 'pending' AND expires_at <= now() ${chargerId === undefined ? '' : 'AND charger_id = $1'} RETURNING ${COLUMNS}`,
      chargerId === undefined ? [] : [chargerId],
    );
    return result.map(view);
  }

  /**
   * A Reset whose connection closed mid-call, and the charger booted after that: it rebooted, which is what a Reset
   * that closes the socket before answering does (a Hard Reset typically). Succeeded, never sent again: sending it
   * again after every boot would reboot the charger in a loop (docs/reference/design-decisions.md#queued-commands).
   */
  async settleRebootedResets(chargerId: string): Promise<QueuedCommandView[]> {
    const result = await this.sql.query<Row>(
      `UPDATE config_queued_commands q SET status = 'succeeded', finished_at = now(), held_at = NULL,
         result = jsonb_build_object('rebooted', true, 'bootAt', c.boot_at)
       FROM config_chargers c
       WHERE q.charger_id = $1 AND c.charger_id = q.charger_id AND q.status = 'pending' AND ${REBOOT_SETTLED_RESET}
       RETURNING ${COLUMNS.split(', ')
         .map((col) => `q.${col}`)
         .join(', ')}`,
      [chargerId],
    );
    return result.map(view);
  }

  /**
   * Claims whose lease lapsed (the replica delivering them stopped) become pending again; their unfinished
   * attempt is recorded as interrupted (its outcome is unknown, like a connection lost mid-call).
   */
  async releaseLapsed(): Promise<QueuedCommandView[]> {
    const result = await this.sql.query<Row>(
      `WITH lapsed AS (
         UPDATE config_queued_commands SET status = 'pending', lease_until = NULL, held_at = now()
         WHERE status = 'delivering' AND lease_until < now() RETURNING ${COLUMNS}
       ), marked AS (
         UPDATE config_queued_command_attempts a SET outcome = 'interrupted', finished_at = now()
         FROM lapsed WHERE a.command_id = lapsed.command_id AND a.outcome IS NULL
       )
       SELECT * FROM lapsed`,
    );
    return result.map(view);
  }

  /**
   * Takes the charger's oldest open command if it is pending and not expired, and records the attempt, in one
   * statement. Only on a connection that is ready for it (`waits`): one the charger booted on, or one older
   * than `connectDelayMs` without a boot (a reconnect without a reboot); a charger that reboots connects and
   * then boots, and nothing goes to it in between. A command held after an attempt without an answer waits
   * for a connection or boot after it (at least once per connection, never again on the same one); a held Reset
   * goes again on a connection without a boot only once that connection is `rebootGraceMs` old, since until its
   * BootNotification is recorded a reconnect after the reboot it asked for looks the same (settleRebootedResets).
   * The oldest open one being claimed elsewhere (delivering) means nothing is claimed: the next waits behind it,
   * so commands reach the charger in creation order.
   */
  async claimNext(
    chargerId: string,
    leaseMs: number,
    sentCommandId: string,
    waits: { connectDelayMs: number; rebootGraceMs: number },
  ): Promise<(QueuedCommandView & { attempt: number }) | undefined> {
    const rows = await this.sql.query<Row>(
      `WITH claimed AS (
         UPDATE config_queued_commands q SET status = 'delivering', attempts = attempts + 1, held_at = NULL, lease_until = now() + $2 * interval '1 millisecond'
         WHERE seq = (SELECT seq FROM config_queued_commands WHERE charger_id = $1 AND status IN ('pending', 'delivering') ORDER BY seq LIMIT 1)
           AND status = 'pending' AND expires_at > now()
           AND EXISTS (SELECT 1 FROM config_chargers c WHERE c.charger_id = $1
             AND (c.connected_at IS NULL OR c.boot_at >= c.connected_at OR c.connected_at <= now() - $4 * interval '1 millisecond')
             AND (q.held_at IS NULL OR c.boot_at > q.held_at
               OR (c.connected_at > q.held_at AND (q.action <> 'Reset' OR c.connected_at <= now() - $5 * interval '1 millisecond')))
             -- what settleRebootedResets settles is never claimed: a boot recorded after that check ran, and before
             -- this claim, made the boot condition above true and sent the Reset again to the charger it had rebooted
             AND NOT COALESCE(${REBOOT_SETTLED_RESET}, false))
         RETURNING ${COLUMNS}
       ), attempt AS (
         INSERT INTO config_queued_command_attempts (command_id, attempt, sent_command_id) SELECT command_id, attempts, $3 FROM claimed
       )
       SELECT * FROM claimed`,
      [chargerId, leaseMs, sentCommandId, waits.connectDelayMs, waits.rebootGraceMs],
    );
    return rows[0] ? { ...view(rows[0]), attempt: Number(rows[0].attempts) } : undefined;
  }

  /**
   * Records the attempt's outcome and the command's next state, only while this attempt's claim still holds
   * (a lapsed lease another replica took is not overwritten). Returns the command after it, or undefined.
   */
  async settleAttempt(commandId: string, attempt: number, s: Settlement): Promise<QueuedCommandView | undefined> {
    const terminal = s.status !== 'pending';
    const detail = s.result !== undefined ? { result: s.result } : s.error !== undefined ? { error: s.error } : null;
    const rows = await this.sql.query<Row>(
      `WITH settled AS (
         UPDATE config_queued_commands SET status = $3, lease_until = NULL, result = $4::jsonb, error = $5::jsonb,
           finished_at = CASE WHEN $6::boolean THEN now() ELSE NULL END, held_at = CASE WHEN $6::boolean THEN NULL ELSE now() END
         WHERE command_id = $1 AND status = 'delivering' AND attempts = $2
         RETURNING ${COLUMNS}
       ), attempt AS (
         UPDATE config_queued_command_attempts a SET outcome = $7, detail = $8::jsonb, finished_at = now()
         FROM settled WHERE a.command_id = settled.command_id AND a.attempt = $2
       )
       SELECT * FROM settled`,
      [
        commandId,
        attempt,
        s.status,
        s.result === undefined ? null : JSON.stringify(s.result),
        s.error ? JSON.stringify(s.error) : null,
        terminal,
        s.outcome,
        detail === null ? null : JSON.stringify(detail),
      ],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  /**
   * Undoes a claim whose command was never sent (no gateway held the charger): pending again, the attempt
   * forgotten, no hold, so the charger's connection that is coming takes it.
   */
  async releaseUnsent(commandId: string, attempt: number): Promise<void> {
    await this.sql.execute(
      `WITH released AS (
         UPDATE config_queued_commands SET status = 'pending', attempts = attempts - 1, lease_until = NULL
         WHERE command_id = $1 AND status = 'delivering' AND attempts = $2 RETURNING command_id
       )
       DELETE FROM config_queued_command_attempts a USING released WHERE a.command_id = released.command_id AND a.attempt = $2`,
      [commandId, attempt],
    );
  }

  /** Cancels a pending command: 'cancelled' with the command, or why not (unknown, or its current state). */
  async cancel(commandId: string, actor: string): Promise<{ cancelled: QueuedCommandView } | { unknown: true } | { state: QueuedCommandState }> {
    const rows = await this.sql.query<Row>(
      `UPDATE config_queued_commands SET status = 'cancelled', finished_at = now(), cancelled_by = $2
       WHERE command_id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
      [commandId, actor],
    );
    if (rows[0]) return { cancelled: view(rows[0]) };
    const found = await this.get(commandId);
    return found ? { state: found.status } : { unknown: true };
  }

  async get(commandId: string): Promise<QueuedCommandView | undefined> {
    const rows = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM config_queued_commands WHERE command_id = $1`, [commandId]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  async attempts(commandId: string): Promise<AttemptView[]> {
    const rows = await this.sql.query<{
      attempt: number;
      sent_command_id: string;
      started_at: Date | string;
      finished_at: Date | string | null;
      outcome: string | null;
      detail: unknown;
    }>(`SELECT attempt, sent_command_id, started_at, finished_at, outcome, detail FROM config_queued_command_attempts WHERE command_id = $1 ORDER BY attempt`, [
      commandId,
    ]);
    return rows.map((r) => ({
      attempt: Number(r.attempt),
      sentCommandId: r.sent_command_id,
      startedAt: iso(r.started_at),
      finishedAt: r.finished_at === null ? null : iso(r.finished_at),
      outcome: r.outcome,
      detail: r.detail ?? null,
    }));
  }

  /** One charger's commands, newest first. */
  async list(chargerId: string, status: QueuedCommandState | undefined, limit: number, offset: number): Promise<{ items: QueuedCommandView[]; total: number }> {
    const where = `charger_id = $1${status ? ' AND status = $2' : ''}`;
    const params: unknown[] = status ? [chargerId, status] : [chargerId];
    // One snapshot: a delivery putting a command back to pending between the two reads cannot split them.
    const { rows, counted } = await inOneSnapshot(this.sql, async (tx) => ({
      rows: await tx.query<Row>(`SELECT ${COLUMNS} FROM config_queued_commands WHERE ${where} ORDER BY seq DESC LIMIT ${limit} OFFSET ${offset}`, params),
      counted: await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM config_queued_commands WHERE ${where}`, params),
    }));
    return { items: rows.map(view), total: Number(counted[0]?.n ?? 0) };
  }

  /** Chargers with a pending command that are connected and were Accepted at their last boot. */
  async deliverableChargers(): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(
      `SELECT DISTINCT q.charger_id FROM config_queued_commands q JOIN config_chargers c ON c.charger_id = q.charger_id
       WHERE q.status = 'pending' AND c.connected AND c.boot_status = 'Accepted'`,
    );
    return rows.map((r) => r.charger_id);
  }
}
