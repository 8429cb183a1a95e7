import { SpanKind, inSpan } from '#csms/tracing';

/** One database write of metering in the trace of the message(s) it stores (docs/deploy.md#37-logs-and-traces). */
export function dbSpan<T>(name: string, items: number, write: () => Promise<T>): Promise<T> {
  return inSpan(name, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.batch.size': items } }, write);
}
