/** One line per live event for the activity feeds: what happened, in an operator's words. */
import type { LiveEvent } from './api-types.js';
import { formatPower } from './format.js';

export function describeEvent(e: LiveEvent): string {
  switch (e.type) {
    case 'charger.connected':
      return `connected via ${e.data.gatewayId}${e.data.remoteAddress ? ` from ${e.data.remoteAddress}` : ''}`;
    case 'charger.disconnected':
      return `disconnected (${e.data.code}${e.data.reason ? ` ${e.data.reason}` : ''})`;
    case 'charger.boot':
      return `BootNotification ${e.data.status}: ${e.data.vendor} ${e.data.model}${e.data.firmwareVersion ? `, firmware ${e.data.firmwareVersion}` : ''}`;
    case 'connector.status':
      return `connector ${e.data.connectorId} ${e.data.status}${e.data.errorCode && e.data.errorCode !== 'NoError' ? ` (${e.data.errorCode})` : ''}`;
    case 'transaction.started':
      return `transaction ${e.data.transactionId} started on connector ${e.data.connectorId} (${e.data.idTag})`;
    case 'transaction.stopped':
      return `transaction ${e.data.transactionId} stopped at ${e.data.meterStop} Wh${e.data.reason ? ` (${e.data.reason})` : ''}`;
    case 'power':
      return `connector ${e.data.connectorId}: ${formatPower(e.data.powerW)}`;
    case 'configuration':
      // No key: a reconciliation that sent nothing changed the charger's state (outcome = the state).
      if (!e.data.key) return `configuration ${e.data.inSync ? 'in sync' : e.data.outcome}`;
      return `${e.data.key} = ${e.data.value}: ${e.data.outcome}${e.data.inSync ? ', in sync' : ', drift'}`;
    case 'security':
      return `security event ${e.data.type}${e.data.techInfo ? `: ${e.data.techInfo}` : ''}`;
    case 'command':
      return `${e.data.action} (${e.data.origin}): ${e.data.status}`;
    case 'queued-command':
      // A retry without an attempt: the try no gateway took (outcome not-connected), which is not counted.
      if (e.data.attempt === null) return `queued ${e.data.action} ${e.data.event}${e.data.outcome ? ` (${e.data.outcome})` : ''}`;
      return `queued ${e.data.action} ${e.data.event} (attempt ${e.data.attempt}${e.data.outcome ? `: ${e.data.outcome}` : ''})`;
    case 'diagnostics':
      return `${e.data.kind} ${e.data.event}: ${e.data.status}${e.data.size !== null ? ` (${e.data.size} bytes)` : ''}`;
    case 'firmware':
      return `${e.data.signed ? 'signed firmware update' : 'firmware update'}: ${e.data.status}`;
    case 'charging-profile':
      return `charging profile ${e.data.chargingProfileId} ${e.data.action === 'set' ? 'sent' : 'cleared'}: ${e.data.outcome}${e.data.message ? ` (${e.data.message})` : ''}`;
    case 'site-limit':
      return e.data.state === 'waiting'
        ? `site limit of ${e.data.group}: transaction ${e.data.transactionId} waits for its turn (0 A)`
        : `site limit of ${e.data.group}: transaction ${e.data.transactionId} may draw ${e.data.offeredA} A per phase${e.data.selfLimited ? ' (what the car takes)' : ''}`;
    case 'reservation':
      return `reservation ${e.data.reservationId} ${e.data.event} on connector ${e.data.connectorId} (${e.data.idTag})${e.data.transactionId !== null ? `, transaction ${e.data.transactionId}` : ''}`;
  }
}
