import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ResetLink, ResetSentNote } from '#csms/bus';
import { Batcher, DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';

/** A Reset older than this is not what a boot follows (the charger was off, or ignored it). */
export const RESET_LINK_WINDOW_MS = 60 * 60_000;

interface PendingResetRow {
  charger_id: string;
  command_id: string;
  reset_type: ResetLink['type'];
  outcome: ResetLink['outcome'];
  sent_at: Date | string;
}

/**
 * Resets a charger may be carrying out, and the boot that follows them (a Hard Reset answered by a reboot
 * instead of a CALLRESULT; docs/reference/design-decisions.md#commands). The gateway that sent the Reset notes it; the next BootNotification of the
 * charger, handled by any config-manager replica, takes it and carries it in its Boot fact and event.
 */
@Injectable()
export class ResetLinks {
  private readonly sql: Sql;
  /** Every boot takes its charger's note: in a reconnect storm the takes share one DELETE per batch. */
  private readonly takes: Batcher<string, PendingResetRow | undefined>;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.takes = new Batcher(
      async (ids) => {
        const rows = await this.sql.query<PendingResetRow>(
          `DELETE FROM config_pending_resets WHERE charger_id = ANY($1::text[]) RETURNING charger_id, command_id, reset_type, outcome, sent_at`,
          [[...new Set(ids)]],
        );
        const taken = new Map(rows.map((r) => [r.charger_id, r]));
        // Two boots of one charger in a batch: the first takes the note, the second finds it gone (as one after the other).
        return ids.map((id) => {
          const row = taken.get(id);
          taken.delete(id);
          return row;
        });
      },
      { name: 'reset link takes' },
    );
  }

  /** The latest Reset per charger wins; an older note arriving late does not replace a newer one. */
  async note(n: ResetSentNote): Promise<void> {
    await this.sql.execute(
      `INSERT INTO config_pending_resets (charger_id, command_id, reset_type, outcome, sent_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (charger_id) DO UPDATE SET command_id = EXCLUDED.command_id, reset_type = EXCLUDED.reset_type, outcome = EXCLUDED.outcome, sent_at = EXCLUDED.sent_at
       WHERE config_pending_resets.sent_at <= EXCLUDED.sent_at`,
      [n.chargerId, n.commandId, n.type, n.outcome, n.sentAt],
    );
  }

  /** Removes and returns the Reset a boot at `bootAt` follows, if one was sent within the window before it. */
  async take(chargerId: string, bootAt: Date): Promise<ResetLink | undefined> {
    const row = await this.takes.add(chargerId);
    if (!row) return undefined;
    const sentAt = new Date(row.sent_at);
    if (sentAt.getTime() > bootAt.getTime() || bootAt.getTime() - sentAt.getTime() > RESET_LINK_WINDOW_MS) return undefined;
    return { commandId: row.command_id, type: row.reset_type, outcome: row.outcome, sentAt: sentAt.toISOString() };
  }
}
