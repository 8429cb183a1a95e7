import { Logger } from '@nestjs/common';
import { ask, resetSentNote, type Bus, type CommandReply } from '#csms/bus';
import { auditActor } from '#csms/http';
import type { ChangeConfigurationRequest, ChangeConfigurationResponse, ResetRequest } from '#csms/ocpp';
import type { QueuedCommandView } from './store.js';
import * as configManager from '../verbs.js';

const TIMEOUT_MS = 5_000;

/**
 * What an immediate command does after the charger's answer, done for a queued one too (the gateway does it for
 * API commands): a Reset the charger may be carrying out is noted so its next boot names this command
 * (`afterReset.commandId`, docs/api-commands.md); an accepted ChangeConfiguration becomes the charger's desired
 * value (docs/reference/design-decisions.md#command-api-changes-stick). Both asked over the bus as the gateway
 * asks them; a failure costs the link or the desired value, logged, never the command's record.
 */
export async function afterDelivery(bus: Bus, c: QueuedCommandView, sentAt: Date, reply: CommandReply, log: Pick<Logger, 'warn'>): Promise<void> {
  try {
    if (c.action === 'Reset') {
      const note = resetSentNote(c.chargerId, c.commandId, (c.payload as ResetRequest).type, reply, sentAt);
      if (!note) return;
      await ask(bus, configManager.noteReset, note, { timeoutMs: TIMEOUT_MS });
    } else if (c.action === 'ChangeConfiguration' && reply.status === 'ok') {
      const status = (reply.result as ChangeConfigurationResponse).status;
      if (status !== 'Accepted' && status !== 'RebootRequired') return;
      const p = c.payload as ChangeConfigurationRequest;
      await ask(
        bus,
        configManager.recordCommandChange,
        { chargerId: c.chargerId, key: p.key, value: p.value, status, actor: auditActor({ name: c.requestedBy ?? '' }) },
        { timeoutMs: TIMEOUT_MS },
      );
    }
  } catch (err) {
    log.warn(`${c.chargerId}: after queued ${c.action} ${c.commandId}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
