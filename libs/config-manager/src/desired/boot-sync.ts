import type { KeyDrift } from './effective.js';

/** How many drifted keys the boot log's reason names; the rest are counted. */
const NAMED = 3;

/**
 * Whether a charger is in sync for the "apply the desired configuration before accepting" policy
 * (docs/reference/design-decisions.md#boot-policy),
 * judged on the same per-key drift `GET /api/v1/chargers/:id/configuration` shows. Returns why not, or undefined.
 *
 * - No reported snapshot: not in sync (we cannot know what the charger holds until the first GetConfiguration).
 * - `drifted` (differs, Rejected/NotSupported, read-only at the charger) and `pending` (being applied): not in sync.
 *   A key the charger refuses keeps it Pending until the operator changes the desired value or the policy; the
 *   drift reason says why, so this is visible rather than silent.
 * - `pending-reboot`: in sync only when its RebootRequired answer came before this BootNotification. Choice, kept
 *   simple: every BootNotification counts as the reboot, as boot provisioning already assumes when it clears
 *   pending-reboot marks at each boot; the reconciliation after this boot re-reads the key, and if it did not take
 *   effect it shows as drift again (a Pending charger re-sending BootNotification without rebooting is the case
 *   this simplification gets wrong: it is Accepted one boot early). The RebootRequired time is the database's and
 *   the boot time the gateway's; across hosts they are compared as they are (clocks assumed NTP-synced).
 * - Judged on the last snapshot: a value changed at the charger since our last GetConfiguration is not seen at
 *   this boot (it is Accepted); the reconciliation after the boot reads it and corrects it.
 */
export function notInSyncReason(hasSnapshot: boolean, drift: KeyDrift[], bootAt: Date): string | undefined {
  if (!hasSnapshot) return 'no configuration reported yet';
  const out = drift.filter((d) => {
    if (d.state === 'in-sync') return false;
    if (d.state === 'pending-reboot') return !(d.lastOutcomeAt !== undefined && new Date(d.lastOutcomeAt).getTime() < bootAt.getTime());
    return true;
  });
  if (out.length === 0) return undefined;
  const named = out.slice(0, NAMED).map((d) => `${d.key} ${d.state}${d.reason ? ` (${d.reason})` : ''}`);
  const more = out.length > NAMED ? `; and ${out.length - NAMED} more` : '';
  return `${out.length} key(s) not in sync: ${named.join('; ')}${more}`;
}
