import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Answers, subjects, type ChargerMessage, type DurableMessage } from '#csms/bus';
import { ok, type ServiceReply } from '#csms/http';
import type { SecurityEventNotificationRequest } from '#csms/ocpp';
import { canonicalIdentity } from './zaptec.js';
import { SecurityEventsService, type SecurityEventView } from './security-events.service.js';
import * as verbs from './verbs.js';

@Controller()
export class SecurityEventsController {
  constructor(@Inject(SecurityEventsService) private readonly events: SecurityEventsService) {}

  /** Stored once per (charger, timestamp, type), so a redelivered batch is harmless. */
  @EventPattern<string>(subjects.eventsOf('SecurityEventNotification'), { durable: 'auth-security-events', maxBatch: 200, maxWaitMs: 20 })
  async store(batch: DurableMessage<ChargerMessage<SecurityEventNotificationRequest>>[]): Promise<void> {
    await this.events.store(
      batch.map(({ data }) => ({
        chargerId: data.chargerId,
        type: data.payload.type,
        techInfo: data.payload.techInfo ?? null,
        timestamp: data.payload.timestamp,
        source: 'charger' as const,
      })),
    );
  }

  @Answers(verbs.securityEventCount)
  async count(body: { sinceMs?: number } | undefined): Promise<ServiceReply<{ count: number }>> {
    const since = typeof body?.sinceMs === 'number' && Number.isFinite(body.sinceMs) ? body.sinceMs : Date.now() - 3_600_000;
    return ok({ count: await this.events.countSince(new Date(since)) });
  }

  @Answers(verbs.listSecurityEvents)
  async list(body: { chargerId: string; limit?: number; offset?: number }): Promise<ServiceReply<{ items: SecurityEventView[] }>> {
    return ok({ items: await this.events.list(canonicalIdentity(body.chargerId), body.limit ?? 100, body.offset ?? 0) });
  }
}
