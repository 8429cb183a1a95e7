import { Logger } from '@nestjs/common';
import { ask, resetSentNote, type Bus, type CommandReply } from '#csms/bus';
import type { ResetRequest } from '#csms/ocpp';
import * as configManager from '#csms/config-manager/verbs';

const log = new Logger('CommandReset');
const CONFIG_MANAGER_TIMEOUT_MS = 3_000;

/**
 * A Reset the charger may be carrying out (docs/reference/design-decisions.md#commands) (Hard Reset closes the socket before answering, or the
 * charger answered Accepted) is noted with config-manager before the caller is answered, so the charger's
 * next BootNotification, whichever gateway and replica it reaches, is linked to this command (its Boot fact
 * and `charger.boot` event carry `afterReset`). Returns whether the link is in place; a config-manager that
 * does not answer costs the link, never the caller's answer.
 */
export async function noteResetForBoot(
  bus: Bus,
  chargerId: string,
  commandId: string,
  payload: ResetRequest,
  reply: CommandReply,
  sentNoEarlierThan: Date,
): Promise<boolean> {
  const note = resetSentNote(chargerId, commandId, payload.type, reply, sentNoEarlierThan);
  if (!note) return false;
  try {
    await ask(bus, configManager.noteReset, note, { timeoutMs: CONFIG_MANAGER_TIMEOUT_MS });
    return true;
  } catch (err) {
    log.warn(`${chargerId}: Reset ${commandId} not noted for its next boot (${(err as Error).message})`);
    return false;
  }
}
