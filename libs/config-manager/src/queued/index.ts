import { ConfigManagerQueuedCommands1764520000000 } from './migration.js';

export { QueuedModule } from './queued.module.js';
export { QueuedCommandsApiController } from './api/queued-commands.controller.js';
export { ConfigManagerQueuedCommands1764520000000 };
export type { QueuedCommandView, AttemptView } from './store.js';
export type { QueuedCommandPage, QueuedCommandRecord } from './queued.service.js';

export const QUEUED_MIGRATIONS = [ConfigManagerQueuedCommands1764520000000];
