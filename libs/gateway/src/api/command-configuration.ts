import { Logger } from '@nestjs/common';
import { ask, NoRespondersError, RemoteHandlerError, RequestTimeoutError, type Bus } from '#csms/bus';
import type { ChangeConfigurationRequest, ChangeConfigurationResponse } from '#csms/ocpp';
import * as configManager from '#csms/config-manager/verbs';

const log = new Logger('CommandConfiguration');
const CONFIG_MANAGER_TIMEOUT_MS = 5_000;

/** What became of the desired configuration after a ChangeConfiguration through the command API. */
export interface DesiredAfterCommand {
  recorded: boolean;
  level?: 'charger';
  reason?: string;
}

/**
 * docs/reference/design-decisions.md#command-api-changes-stick: a ChangeConfiguration an operator sends through the
 * command API and the charger accepts (Accepted, or
 * RebootRequired) becomes that charger's desired value, so the next reconciliation keeps it instead of undoing it.
 * config-manager records it (audited with the caller); the answer says whether it did. When config-manager cannot
 * be reached the charger's answer is still returned, with `recorded: false` and why: the change then lasts only
 * until the next reconciliation, and the caller knows it.
 */
export async function keepAcceptedChange(
  bus: Bus,
  chargerId: string,
  payload: ChangeConfigurationRequest,
  result: ChangeConfigurationResponse,
  actor: string,
): Promise<DesiredAfterCommand | undefined> {
  if (result.status !== 'Accepted' && result.status !== 'RebootRequired') return undefined;
  try {
    const reply = await ask(
      bus,
      configManager.recordCommandChange,
      { chargerId, key: payload.key, value: payload.value, status: result.status, actor },
      { timeoutMs: CONFIG_MANAGER_TIMEOUT_MS },
    );
    if (!reply.ok) return { recorded: false, reason: reply.body.message };
    return {
      recorded: reply.data.recorded,
      ...(reply.data.level ? { level: reply.data.level } : {}),
      ...(reply.data.reason ? { reason: reply.data.reason } : {}),
    };
  } catch (err) {
    if (!(err instanceof NoRespondersError) && !(err instanceof RequestTimeoutError) && !(err instanceof RemoteHandlerError)) throw err;
    log.warn(`${chargerId}: ${payload.key} accepted by the charger but not recorded as desired (${(err as Error).message})`);
    return { recorded: false, reason: `config-manager did not answer (${(err as Error).message}); the next reconciliation may undo the change` };
  }
}
