import type { Bus } from './bus.js';
import { InProcessBus } from './in-process/in-process-bus.js';
import { NatsBus } from './nats/nats-bus.js';
import type { NatsClientConfig } from '#csms/config';
import { explainConnectFailure, natsClientOptions } from './nats/nats-client-options.js';

export interface CreateBusOptions {
  /** Comma-separated NATS URLs (`NATS_URL`). Absent: the in-process bus of the all-in-one process. */
  natsUrl?: string;
  /** Connection name: service and pod. */
  name: string;
  /** NATS credentials and TLS files (NATS_USER ... NATS_TLS_KEY_FILE). */
  natsClient?: NatsClientConfig;
  /** In-process only: where the events stream is journaled (under `DATA_DIR`). Absent: memory only. */
  journalDir?: string;
  /** BUS_MAX_DELIVERIES: deliveries a message may fail alone before it is dead-lettered. */
  maxDeliveries?: number;
  /** NATS_STREAM_REPLICAS: replicas of the streams when created (never lowered). */
  streamReplicas?: number;
}

/**
 * The process's bus. In the all-in-one process call it once and share the instance with every service
 * (BusModule.forRoot): separate InProcessBus instances do not see each other.
 */
export async function createBus(options: CreateBusOptions): Promise<Bus> {
  if (options.natsUrl) {
    const settings = options.natsClient ?? {};
    const connection = natsClientOptions(settings);
    return NatsBus.connect({
      servers: options.natsUrl,
      name: options.name,
      connection,
      maxDeliveries: options.maxDeliveries,
      streamReplicas: options.streamReplicas,
    }).catch((err: unknown) => {
      throw explainConnectFailure(err, settings);
    });
  }
  return InProcessBus.open({ journalDir: options.journalDir, maxDeliveries: options.maxDeliveries });
}
