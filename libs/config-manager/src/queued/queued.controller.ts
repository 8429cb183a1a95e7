import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { subjects } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import { QueuedCommandService, type ListQueuedRequest, type QueueCommandRequest, type QueuedCommandPage, type QueuedCommandRecord } from './queued.service.js';
import type { QueuedCommandView } from './store.js';

/** `api.config-manager.*QueuedCommand*`: the queue's bus answers, one replica each (queue group). */
@Controller()
export class QueuedCommandsBusController {
  constructor(@Inject(QueuedCommandService) private readonly service: QueuedCommandService) {}

  @MessagePattern(subjects.queuedCommands.queue, { queue: 'config-manager' })
  queue(@Payload() body: QueueCommandRequest): Promise<ServiceReply<QueuedCommandView>> {
    return this.service.queue(body);
  }

  @MessagePattern(subjects.queuedCommands.get, { queue: 'config-manager' })
  get(@Payload() body: { commandId: string }): Promise<ServiceReply<QueuedCommandRecord>> {
    return this.service.get(body.commandId);
  }

  @MessagePattern(subjects.queuedCommands.list, { queue: 'config-manager' })
  list(@Payload() body: ListQueuedRequest): Promise<ServiceReply<QueuedCommandPage>> {
    return this.service.list(body);
  }

  @MessagePattern(subjects.queuedCommands.cancel, { queue: 'config-manager' })
  cancel(@Payload() body: { commandId: string; actor: string }): Promise<ServiceReply<QueuedCommandView>> {
    return this.service.cancel(body.commandId, body.actor);
  }
}
