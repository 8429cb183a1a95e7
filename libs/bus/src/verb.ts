/**
 * One definition per request/reply verb: its subject, the queue group that answers it and, as types only, what it is
 * asked and what it answers. The caller (`ask` here, `call` in libs/http) and the handler (`@Answers`) both take the
 * same object, so a request or reply that does not match the definition fails type-checking on either side.
 */
import { MessagePattern } from '@nestjs/microservices';
import type { Bus, RequestOptions, Subscription } from './bus.js';
import type { ServiceReply } from './service-reply.js';
import { SERVICE_QUEUES, subjects, type ApiService } from './subjects.js';

export interface Verb<Req, Rep> {
  readonly subject: string;
  /** The queue group of the service that answers: one replica answers each request. */
  readonly queue: string;
  /** Never set: it carries the two types so that `ask`, `call` and `@Answers` can be checked against them. */
  readonly types?: { request: Req; reply: Rep };
}

/** The request of a verb that takes none (callers send `{}`). */
export type NoRequest = Record<string, never>;

/** One page of a list verb's answer. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** What a verb is asked. */
export type RequestOf<V> = V extends Verb<infer Req, unknown> ? Req : never;
/** What a verb answers on the wire. */
export type ReplyOf<V> = V extends Verb<unknown, infer Rep> ? Rep : never;

/** A verb of the HTTP API's kind (`api.<service>.<name>`): its reply is data or a refusal (ServiceReply). */
export function defineVerb<Req, Data>(service: ApiService, name: string): Verb<Req, ServiceReply<Data>> {
  return { subject: subjects.api(service, name), queue: SERVICE_QUEUES[service] };
}

/** A verb on a subject of its own (the gateway's connect question, charger CALLs): the reply is whatever it says. */
export function verbAt<Req, Rep>(subject: string, queue: string): Verb<Req, Rep> {
  return { subject, queue };
}

/** Asks a verb and returns the wire reply; the bus's errors (no responders, timeout, the handler failed) propagate. */
export function ask<Req, Rep>(bus: Bus, verb: Verb<Req, Rep>, request: NoInfer<Req>, options?: RequestOptions): Promise<Rep> {
  return bus.request<Req, Rep>(verb.subject, request, options);
}

/** Answers a verb straight on the bus (a stand-in for the service in a test, say), in the verb's queue group. */
export function serveVerb<Req, Rep>(bus: Bus, verb: Verb<Req, Rep>, handler: (request: Req) => Rep | Promise<Rep>): Promise<Subscription> {
  return bus.serve<Req, Rep>(verb.subject, async (request) => handler(request), { queue: verb.queue });
}

/**
 * Marks the method that answers `verb` (a @MessagePattern on its subject, in its queue group). The method must take
 * the verb's request (or ignore it) and return its reply, or the decorator does not type-check.
 */
export function Answers<Req, Rep>(verb: Verb<Req, Rep>) {
  return <M extends (request: Req, ...rest: never[]) => Rep | Promise<Rep>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    MessagePattern(verb.subject, { queue: verb.queue })(target, key, descriptor);
  };
}
