import type { Bus } from './bus.js';
import { InProcessBus } from './in-process/in-process-bus.js';
import { NatsBus } from './nats/nats-bus.js';

export interface CreateBusOptions {
  /** Comma-separated NATS URLs (`NATS_URL`). Absent: the in-process bus of the all-in-one process. */
  natsUrl?: string;
  /** Connection name: service and pod. */
  name: string;
  /** In-process only: where the events stream is journaled (under `DATA_DIR`). Absent: memory only. */
  journalDir?: string;
}

/**
 * The process's bus. In the all-in-one process call it once and share the instance with every service
 * (BusModule.forRoot): separate InProcessBus instances do not see each other.
 */
export async function createBus(options: CreateBusOptions): Promise<Bus> {
  if (options.natsUrl) return NatsBus.connect({ servers: options.natsUrl, name: options.name });
  return InProcessBus.open({ journalDir: options.journalDir });
}
