import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  Answers,
  subjects,
  type ChargerMessage,
  type DiagnosticsCreated,
  type DiagnosticsKind,
  type DiagnosticsView,
  type DurableMessage,
  type UploadClaim,
} from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import type { DiagnosticsStatusNotificationRequest, LogStatusNotificationRequest } from '#csms/ocpp';
import { DiagnosticsService } from './diagnostics.service.js';
import * as verbs from '../verbs.js';

type Page = { items: DiagnosticsView[]; total: number; limit: number; offset: number };

/** `api.config-manager.diagnostics.*` and the chargers' upload status notifications. */
@Controller()
export class DiagnosticsBusController {
  constructor(@Inject(DiagnosticsService) private readonly service: DiagnosticsService) {}

  @Answers(verbs.createDiagnostics)
  create(@Payload() b: { chargerId: string; kind: DiagnosticsKind; requestedBy?: string }): Promise<ServiceReply<DiagnosticsCreated>> {
    return this.service.create(b);
  }

  @Answers(verbs.diagnosticsAnswered)
  answered(@Payload() b: { id: string; fileName?: string; error?: string }): Promise<ServiceReply<DiagnosticsView>> {
    return this.service.answered(b);
  }

  @Answers(verbs.getDiagnostics)
  get(@Payload() b: { id: string }): Promise<ServiceReply<DiagnosticsView>> {
    return this.service.get(b.id);
  }

  @Answers(verbs.listDiagnostics)
  list(@Payload() b: { chargerId: string; limit?: number; offset?: number }): Promise<ServiceReply<Page>> {
    return this.service.list(b);
  }

  @Answers(verbs.claimUpload)
  claim(@Payload() b: { token: string }): Promise<ServiceReply<UploadClaim>> {
    return this.service.claim(b.token);
  }

  @Answers(verbs.uploadChunk)
  chunk(@Payload() b: UploadClaim & { seq: number; data: string }): Promise<ServiceReply<{ stored: true }>> {
    return this.service.chunk(b);
  }

  @Answers(verbs.finishUpload)
  finish(@Payload() b: UploadClaim & { storedName?: string; contentType?: string }): Promise<ServiceReply<DiagnosticsView>> {
    return this.service.finish(b);
  }

  @Answers(verbs.abandonUpload)
  abandon(@Payload() b: UploadClaim & { error: string }): Promise<ServiceReply<{ abandoned: true }>> {
    return this.service.abandon(b);
  }

  @Answers(verbs.readDiagnostics)
  read(@Payload() b: { id: string; index: number }): Promise<ServiceReply<{ data?: string; done: boolean }>> {
    return this.service.read(b);
  }

  @EventPattern<string>(subjects.eventsOf('DiagnosticsStatusNotification'), { durable: 'config-manager-diagnostics-status', maxBatch: 50, maxWaitMs: 20 })
  async diagnosticsStatus(batch: Array<DurableMessage<ChargerMessage<DiagnosticsStatusNotificationRequest>>>): Promise<void> {
    for (const m of batch) await this.service.notified(m.data.chargerId, m.data.payload.status);
  }

  @EventPattern<string>(subjects.eventsOf('LogStatusNotification'), { durable: 'config-manager-log-status', maxBatch: 50, maxWaitMs: 20 })
  async logStatus(batch: Array<DurableMessage<ChargerMessage<LogStatusNotificationRequest>>>): Promise<void> {
    for (const m of batch) await this.service.notified(m.data.chargerId, m.data.payload.status, m.data.payload.requestId);
  }
}
