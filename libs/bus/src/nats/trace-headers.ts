/** The trace context in NATS message headers (W3C names: `traceparent`, `tracestate`). */
import { headers, type MsgHdrs } from '@nats-io/nats-core';
import type { TraceCarrier } from '#csms/tracing';

const TRACE_HEADERS = ['traceparent', 'tracestate'];

/** NATS headers holding the carrier; undefined when it is empty (no header block on the wire). */
export function headersWith(carrier: TraceCarrier, base?: MsgHdrs): MsgHdrs | undefined {
  const names = Object.keys(carrier);
  if (names.length === 0) return base;
  const h = base ?? headers();
  for (const name of names) h.set(name, carrier[name]);
  return h;
}

/** The carrier of a received message (undefined when it carries no trace). */
export function carrierOf(h: MsgHdrs | undefined): TraceCarrier | undefined {
  if (!h) return undefined;
  let carrier: TraceCarrier | undefined;
  for (const name of TRACE_HEADERS) {
    const value = h.get(name);
    if (value) (carrier ??= {})[name] = value;
  }
  return carrier;
}
