// Offline queue for transaction-related messages (docs/reference/protocol-notes.md#offline-queue):
// StartTransaction, StopTransaction and periodic MeterValues of a transaction always go through this queue, so
// their order is kept whether the charger is online or not. Payloads are built at send time, so a StopTransaction
// or MeterValues for a transaction whose StartTransaction was not answered yet carries the id once it is known.
import type { Clock, TimerHandle } from '../clock.js';

export type TxAction = 'StartTransaction' | 'StopTransaction' | 'MeterValues';

export interface QueuedMessage {
  action: TxAction;
  /** The charger's local transaction number (known before the CSMS assigns a transactionId). */
  localTxId: number;
  /** Builds the payload at send time; `txId(local)` is the CSMS transactionId or -1 if it never got one. */
  build(txId: (localTxId: number) => number): Record<string, unknown>;
}

export interface TxQueueOptions {
  clock: Clock;
  send(action: TxAction, payload: Record<string, unknown>): Promise<unknown>;
  /** TransactionMessageAttempts / TransactionMessageRetryInterval, read live from the key store. */
  attempts(): number;
  retryIntervalMs(): number;
  /** Whether a send may be tried now (online and booted). */
  canSend(): boolean;
  onStartAnswered?(localTxId: number, response: Record<string, unknown>): void;
  onDropped?(msg: QueuedMessage, error: unknown): void;
}

export class TransactionMessageQueue {
  private readonly items: QueuedMessage[] = [];
  private readonly ids = new Map<number, number>();
  private draining = false;
  private failures = 0;
  private retryTimer: TimerHandle | undefined;

  constructor(private readonly opts: TxQueueOptions) {}

  get length(): number {
    return this.items.length;
  }

  /** The CSMS transactionId for a local transaction, once its StartTransaction was answered. */
  transactionId(localTxId: number): number | undefined {
    return this.ids.get(localTxId);
  }

  enqueue(msg: QueuedMessage): void {
    this.items.push(msg);
    this.kick();
  }

  /** Try to send what is queued (call when the charger comes online / is booted). */
  kick(): void {
    if (this.draining || this.retryTimer || !this.opts.canSend()) return;
    void this.drain();
  }

  clearRetry(): void {
    this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private txId = (local: number): number => this.ids.get(local) ?? -1;

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.items.length > 0 && this.opts.canSend()) {
        const head = this.items[0]!;
        let response: unknown;
        try {
          response = await this.opts.send(head.action, head.build(this.txId));
        } catch (e) {
          if (!this.opts.canSend() || !isAnswerError(e)) {
            // Connection lost (the socket closed under the call): keep the message at the head, replay on reconnect
            // (the charger kicks the queue after its next BootNotification is accepted).
            if (!this.opts.canSend()) return;
          } else {
            // CALLERROR or timeout: retry up to TransactionMessageAttempts, then drop (OCPP 1.6 error handling of
            // transaction messages).
            this.failures++;
            if (this.failures >= this.opts.attempts()) {
              this.items.shift();
              this.failures = 0;
              this.opts.onDropped?.(head, e);
              continue;
            }
          }
          this.retryTimer = this.opts.clock.setTimeout(
            () => {
              this.retryTimer = undefined;
              this.kick();
            },
            this.opts.retryIntervalMs() * Math.max(1, this.failures),
          );
          return;
        }
        this.items.shift();
        this.failures = 0;
        if (head.action === 'StartTransaction') {
          const r = (response ?? {}) as Record<string, unknown>;
          if (typeof r.transactionId === 'number') this.ids.set(head.localTxId, r.transactionId);
          this.opts.onStartAnswered?.(head.localTxId, r);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

/** A CALLERROR (ocpp-rpc RPCError) or a call timeout, as opposed to the socket going away under the call. */
function isAnswerError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  // ocpp-rpc's TimeoutError does not set `name`; its class name is the only marker.
  return typeof (e as { rpcErrorCode?: unknown }).rpcErrorCode === 'string' || e.constructor.name === 'TimeoutError';
}
