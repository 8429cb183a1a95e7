/**
 * Bus hops in the trace (docs/deploy.md#37-logs-and-traces): the sending side opens a span and
 * puts its context in the message (`traceparent`, NATS headers or the in-process message's fields); the
 * receiving side continues it, so the handler, its log lines and what it sends on belong to the same trace.
 * Both buses go through these helpers: a service cannot tell them apart here either.
 */
import { ROOT_CONTEXT, SpanKind, activeContext, extractTrace, hasTrace, inSpan, injectTrace, linkTo, type TraceCarrier } from '#csms/tracing';
import type { BatchHandler, Bus } from './bus.js';

/** A span name must not carry a charger identity (one name per kind of message, not per charger). */
export function subjectPattern(subject: string): string {
  const parts = subject.split('.');
  if (parts.length >= 4 && parts[0] === 'ocpp' && parts[1] === 'v16' && ['evt', 'conn', 'cmd', 'fact'].includes(parts[2])) parts[3] = '{cp}';
  return parts.join('.');
}

type Send = 'publish' | 'request';
type Receive = 'process' | 'serve';

/**
 * Runs a send in its span and hands it the carrier to put in the message. A send outside any trace (a
 * timer's: last-seen batches, reconciliation) is not one: a trace of one span every few seconds per
 * process is noise; the receiving side starts a trace of its own for it.
 */
export function tracedSend<T>(system: Bus['kind'], op: Send, subject: string, send: (carrier: TraceCarrier) => Promise<T>): Promise<T> {
  if (!hasTrace(activeContext())) return send({});
  return inSpan(
    `${op} ${subjectPattern(subject)}`,
    {
      kind: op === 'request' ? SpanKind.CLIENT : SpanKind.PRODUCER,
      attributes: { 'messaging.system': system, 'messaging.destination.name': subject, 'messaging.operation.type': 'send' },
    },
    () => send(injectTrace()),
  );
}

/** Runs a handler of one received message in a span continuing the sender's trace. */
export function tracedReceive<T>(system: Bus['kind'], op: Receive, subject: string, carrier: TraceCarrier | undefined, handle: () => Promise<T>): Promise<T> {
  return inSpan(
    `${op} ${subjectPattern(subject)}`,
    {
      kind: op === 'serve' ? SpanKind.SERVER : SpanKind.CONSUMER,
      parent: extractTrace(carrier),
      attributes: { 'messaging.system': system, 'messaging.destination.name': subject, 'messaging.operation.type': 'process' },
    },
    handle,
  );
}

/**
 * A durable consumer's batch in one span: child of its first traced message (so a batch of one continues
 * that message's trace, and its log lines carry that trace id), linked to every message it carries.
 */
export function tracedBatches<T>(system: Bus['kind'], durable: string, handler: BatchHandler<T>): BatchHandler<T> {
  return (batch) => {
    const contexts = batch.map((m) => extractTrace(m.trace));
    const parent = contexts.find(hasTrace) ?? ROOT_CONTEXT;
    const links = contexts.flatMap((c) => linkTo(c) ?? []);
    return inSpan(
      `process ${durable}`,
      {
        kind: SpanKind.CONSUMER,
        parent,
        links,
        attributes: {
          'messaging.system': system,
          'messaging.consumer.group.name': durable,
          'messaging.batch.message_count': batch.length,
          'messaging.operation.type': 'process',
        },
      },
      () => handler(batch),
    );
  };
}
