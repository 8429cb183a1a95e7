import { HttpException, HttpStatus } from '@nestjs/common';
import { type Bus, type QueuedCommandState } from '#csms/bus';
import { call } from '#csms/http';
import * as configManager from '#csms/config-manager/verbs';

/** What `?delivery=queued` answers (202): the stored command; GET /api/v1/commands/:commandId follows it. */
export interface QueuedAnswer {
  commandId: string;
  status: QueuedCommandState;
  chargerId: string;
  action: string;
  createdAt: string;
  expiresAt: string;
}

/** `delivery`: absent or `immediate` (send now, answer with the charger's reply) or `queued`. */
export function deliveryMode(raw: string | undefined, expiresAt: string | undefined): 'immediate' | 'queued' {
  const refuse = (field: string, rule: string, message: string): never => {
    throw new HttpException(
      { error: 'validation_failed', message: `${field} ${message}`, errors: [{ field, rule, message: `${field} ${message}` }] },
      HttpStatus.BAD_REQUEST,
    );
  };
  if (raw === 'queued') return 'queued';
  if (raw !== undefined && raw !== 'immediate') return refuse('delivery', 'isIn', 'must be immediate or queued');
  // An immediate command has timeoutMs; an expiry there would silently mean nothing.
  if (expiresAt !== undefined) return refuse('expiresAt', 'delivery.queued', 'only with delivery=queued');
  return 'immediate';
}

/**
 * Stores a validated command with config-manager, which owns the queue and delivers it when the charger is
 * next connected and booted (docs/api-commands.md#queued-commands). config-manager judges `expiresAt` and
 * whether the charger is known.
 */
export async function queueCommand(
  bus: Bus,
  chargerId: string,
  commandId: string,
  action: string,
  payload: unknown,
  expiresAt: string | undefined,
  requestedBy: string | undefined,
): Promise<QueuedAnswer> {
  const stored = await call(bus, configManager.queueCommand, {
    commandId,
    chargerId,
    action,
    payload,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(requestedBy ? { requestedBy } : {}),
  });
  return {
    commandId: stored.commandId,
    status: stored.status,
    chargerId: stored.chargerId,
    action: stored.action,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
  };
}
