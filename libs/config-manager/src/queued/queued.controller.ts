import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Answers } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import { QueuedCommandService, type ListQueuedRequest, type QueueCommandRequest, type QueuedCommandPage, type QueuedCommandRecord } from './queued.service.js';
import type { QueuedCommandView } from './store.js';
import * as verbs from '../verbs.js';

/** `api.config-manager.*QueuedCommand*`: the queue's bus answers, one replica each (queue group). */
@Controller()
export class QueuedCommandsBusController {
  constructor(@Inject(QueuedCommandService) private readonly service: QueuedCommandService) {}

  @Answers(verbs.queueCommand)
  queue(@Payload() body: QueueCommandRequest): Promise<ServiceReply<QueuedCommandView>> {
    return this.service.queue(body);
  }

  @Answers(verbs.getQueuedCommand)
  get(@Payload() body: { commandId: string }): Promise<ServiceReply<QueuedCommandRecord>> {
    return this.service.get(body.commandId);
  }

  @Answers(verbs.listQueuedCommands)
  list(@Payload() body: ListQueuedRequest): Promise<ServiceReply<QueuedCommandPage>> {
    return this.service.list(body);
  }

  @Answers(verbs.cancelQueuedCommand)
  cancel(@Payload() body: { commandId: string; actor: string }): Promise<ServiceReply<QueuedCommandView>> {
    return this.service.cancel(body.commandId, body.actor);
  }
}
