/**
 * NestJS microservice transport on a Bus, so the same @MessagePattern/@EventPattern handlers run on
 * NATS in production and on the in-process bus in the all-in-one process.
 *
 *   @MessagePattern(subject, { queue?: string })            request/reply; queue group defaults to the service name
 *   @EventPattern(filter, { durable: 'name', maxBatch?, maxWaitMs?, ackWaitMs? })
 *                                                           durable consumer: the handler gets DurableMessage[];
 *                                                           completing acks the batch, failing redelivers it
 *   @EventPattern(subject)                                  broadcast subscribe (every instance gets it)
 */
import { BaseRpcContext, EventPattern, RpcException, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { Bus, ConsumerSpec, DurableMessage, Subscription } from '../bus.js';
import { errorMessage } from '../codec.js';

/** The extras a handler may carry in its decorator. */
export interface BusPatternExtras {
  queue?: string;
  durable?: string;
  maxBatch?: number;
  maxWaitMs?: number;
  ackWaitMs?: number;
}

export type DurableEventOptions = Required<Pick<BusPatternExtras, 'durable'>> & Pick<BusPatternExtras, 'maxBatch' | 'maxWaitMs' | 'ackWaitMs'>;

/**
 * `@EventPattern(filter, { durable, ... })` for a method taking `DurableMessage<T>[]`. Nest 12's typed
 * EventPattern overload infers the payload of a string topic as `{}`, which rejects a typed batch parameter.
 */
export function DurableEventPattern(filterSubject: string, options: DurableEventOptions): MethodDecorator {
  return EventPattern(filterSubject, { ...options }) as MethodDecorator;
}

/** Context handed to handlers (`@Ctx() ctx: BusContext`): the concrete subject, or the pattern for a batch. */
export class BusContext extends BaseRpcContext<[string]> {
  getSubject(): string {
    return this.args[0];
  }
}

/** The message of whatever a Nest handler failed with (RpcException payloads, filter results, errors). */
function failureMessage(err: unknown): string {
  if (err instanceof RpcException) return errorMessage(err.getError());
  return errorMessage(err);
}

export class BusTransport extends Server implements CustomTransportStrategy {
  /** Event handler failures must reach us: a failed durable batch is redelivered, not acked. */
  override readonly propagatesEventHandlerErrors = true;
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly serviceName: string,
  ) {
    super();
  }

  async listen(callback: (err?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    try {
      for (const [pattern, head] of this.messageHandlers) {
        for (const handler of this.detachChain(head)) await this.register(pattern, handler);
      }
      this._status$.next('connected');
      callback();
    } catch (err) {
      await this.close();
      callback(err);
    }
  }

  /**
   * Nest chains event handlers of the same pattern (`next`), and calling the head runs them all. Each one
   * here may be its own durable consumer, so they are unlinked and registered one by one.
   */
  private detachChain(head: MessageHandler): MessageHandler[] {
    const chain: MessageHandler[] = [];
    for (let h: MessageHandler | undefined = head; h; h = h.next) chain.push(h);
    for (const h of chain) h.next = undefined;
    return chain;
  }

  private async register(pattern: string, handler: MessageHandler): Promise<void> {
    const extras = (handler.extras ?? {}) as BusPatternExtras;
    if (!handler.isEventHandler) {
      const sub = await this.bus.serve(pattern, (data, subject) => this.invoke(handler, data, subject), {
        queue: extras.queue ?? this.serviceName,
      });
      this.subscriptions.push(sub);
      return;
    }
    if (extras.durable) {
      const spec: ConsumerSpec = {
        durable: extras.durable,
        filterSubjects: [pattern],
        ...(extras.maxBatch !== undefined ? { maxBatch: extras.maxBatch } : {}),
        ...(extras.maxWaitMs !== undefined ? { maxWaitMs: extras.maxWaitMs } : {}),
        ...(extras.ackWaitMs !== undefined ? { ackWaitMs: extras.ackWaitMs } : {}),
      };
      const sub = await this.bus.consume(spec, async (batch: DurableMessage[]) => {
        await this.invoke(handler, batch, pattern);
      });
      this.subscriptions.push(sub);
      return;
    }
    const sub = await this.bus.subscribe(pattern, async (data, subject) => {
      try {
        await this.invoke(handler, data, subject);
      } catch (err) {
        this.logger.error(`event handler for ${pattern} failed on ${subject}: ${errorMessage(err)}`);
      }
    });
    this.subscriptions.push(sub);
  }

  /** Runs a Nest handler to completion: value, Promise or Observable (its last value is the reply). */
  private async invoke(handler: MessageHandler, data: unknown, subject: string): Promise<unknown> {
    try {
      const result: unknown = await handler(data, new BusContext([subject]));
      return await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (err) {
      throw err instanceof Error ? err : new Error(failureMessage(err));
    }
  }

  async close(): Promise<void> {
    const subs = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subs.map((s) => s.unsubscribe()));
    this._status$.next('disconnected');
  }

  // `Function` is the base class's own constraint for event callbacks
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    void event;
    void callback;
    throw new Error('BusTransport does not emit events; watch bus.healthy() instead');
  }

  unwrap<T>(): T {
    return this.bus as unknown as T;
  }
}
