import type { Bus } from '#csms/bus';
import type { DataSource } from 'typeorm';
import { QueuedDelivery } from '../queued/delivery.js';
import { QueuedCommandService } from '../queued/queued.service.js';
import { QueuedCommandStore } from '../queued/store.js';
import { FirmwareCampaignService } from '../firmware/campaigns.service.js';
import { FirmwareCampaignEngine } from '../firmware/engine.js';
import { FirmwareCampaignStore } from '../firmware/store.js';

const quiet = { warn: (): void => undefined };

/** A signing certificate in the shape SignedUpdateFirmware checks (PEM markers); its content is never verified by the CSMS. */
export const TEST_SIGNING_CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';

/** One config-manager replica's firmware campaign parts on a shared database: its own store, queue and engine. */
export function firmwareReplica(db: DataSource, bus: Bus): { engine: FirmwareCampaignEngine; service: FirmwareCampaignService; store: FirmwareCampaignStore } {
  const qStore = new QueuedCommandStore(db);
  const queue = new QueuedCommandService(qStore, new QueuedDelivery(qStore, bus, { commandTimeoutMs: 1_000, connectDelayMs: 0 }, quiet));
  const store = new FirmwareCampaignStore(db);
  const engine = new FirmwareCampaignEngine(store, queue, quiet);
  return { engine, service: new FirmwareCampaignService(store, engine, queue), store };
}
