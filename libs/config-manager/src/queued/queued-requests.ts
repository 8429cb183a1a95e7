// What the queue's verbs are asked and answer: types only, so that the verb definitions (../verbs.ts) load none of
// the queue's delivery, which itself asks other verbs.
import type { AttemptView, QueuedCommandView } from './store.js';

/** `api.config-manager.queueCommand`: the gateway validated the action, payload and capability already. */
export interface QueueCommandRequest {
  commandId: string;
  chargerId: string;
  action: string;
  payload: unknown;
  expiresAt?: string;
  requestedBy?: string;
}
export interface ListQueuedRequest {
  chargerId: string;
  status?: string;
  limit?: number;
  offset?: number;
}
export interface QueuedCommandPage {
  items: QueuedCommandView[];
  total: number;
  limit: number;
  offset: number;
}
export type QueuedCommandRecord = QueuedCommandView & { attemptLog: AttemptView[] };
