import { Logger } from '@nestjs/common';
import { ask, type Bus } from '#csms/bus';
import * as metering from '#csms/metering/verbs';

/** One connector's last StatusNotification, as metering answers its connectorStatuses verb. */
export type ConnectorStatus = metering.ConnectorStatusView;
export type ConnectorStatusMap = Record<string, ConnectorStatus[]>;

/** Short: the charger list must not wait long for an optional part. */
export const CONNECTOR_STATUS_TIMEOUT_MS = 3_000;

const log = new Logger('ConnectorStatuses');

/**
 * Connector statuses from metering, or undefined when metering cannot answer (not running, slow,
 * refusing): the registry data is still worth showing, and the caller flags the gap.
 */
export async function fetchConnectorStatuses(bus: Bus, chargerIds: string[]): Promise<ConnectorStatusMap | undefined> {
  if (chargerIds.length === 0) return {};
  const subject = metering.connectorStatuses.subject;
  try {
    const reply = await ask(bus, metering.connectorStatuses, { chargerIds }, { timeoutMs: CONNECTOR_STATUS_TIMEOUT_MS });
    if (reply.ok) return reply.data.chargers;
    log.warn(`${subject} refused (${reply.status}): ${reply.body.message}`);
  } catch (err) {
    log.warn(`${subject} unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
  return undefined;
}
