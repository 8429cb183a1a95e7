/**
 * The correlation id of the whole system is the W3C trace id (docs/deploy.md#37-logs-and-traces):
 * the gateway starts a trace for each charger CALL, the API for each request (or continues the caller's
 * `traceparent`), every bus hop carries it as a `traceparent` header, and every log line written while it
 * is the active context carries it as `traceId`. Only @opentelemetry/api here: without an SDK the spans
 * are the API's no-op ones, and a root still gets a random trace id so logs correlate all the same.
 */
import { randomFillSync } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

export { SpanKind, ROOT_CONTEXT, type Context, type Span, type Attributes };

/** A string map a trace context travels in: NATS headers, a journaled message's fields, HTTP headers. */
export type TraceCarrier = Record<string, string>;

export const TRACEPARENT_HEADER = 'traceparent';

const tracer = () => trace.getTracer('csms');

/**
 * Made-up trace and span ids must be random, not secret, and the gateway makes one pair per CALL: two
 * `randomBytes` calls per span were 6% of its thread under Heartbeat load (docs/benchmarks.md#trace-ids-from-a-pool).
 * So they are cut from a pool refilled 4 KiB at a time, one fill per ~170 spans.
 */
const ID_POOL_BYTES = 4096;
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

/** `bytes` random bytes as lower-case hex (W3C trace context ids: 16 for a trace, 8 for a span). */
export function randomIdHex(bytes: number): string {
  if (idPoolOffset + bytes > idPool.length) {
    idPool = randomFillSync(Buffer.allocUnsafe(ID_POOL_BYTES));
    idPoolOffset = 0;
  }
  const hex = idPool.toString('hex', idPoolOffset, idPoolOffset + bytes);
  idPoolOffset += bytes;
  return hex;
}

/**
 * The span context of a span made without an SDK. Its ids are drawn when something first reads them (a log line, a
 * bus hop): most of a gateway's CALLs, Heartbeats above all, are answered without either, and drawing two ids per
 * CALL was about a tenth of the JavaScript time of a Heartbeat in a CPU profile
 * (docs/benchmarks.md#the-call-and-request-paths-on-2026-11-28). Once read, they stay.
 */
class MadeUpSpanContext implements SpanContext {
  readonly traceFlags = TraceFlags.NONE;
  private drawnTraceId?: string;
  private drawnSpanId?: string;

  get traceId(): string {
    return (this.drawnTraceId ??= randomIdHex(16));
  }

  get spanId(): string {
    return (this.drawnSpanId ??= randomIdHex(8));
  }
}

/** The trace id of the active context (the correlation id of log lines), if any. */
export function currentTraceId(): string | undefined {
  const sc = trace.getSpanContext(context.active());
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined;
}

/** The active span id, for log lines next to the trace id. */
export function currentSpanId(): string | undefined {
  const sc = trace.getSpanContext(context.active());
  return sc && isSpanContextValid(sc) ? sc.spanId : undefined;
}

/** The active trace context as carrier fields (empty outside a trace). */
export function injectTrace(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** A context continuing the trace a carrier holds (the root context when it holds none or a bad one). */
export function extractTrace(carrier: TraceCarrier | undefined, base: Context = ROOT_CONTEXT): Context {
  return carrier ? propagation.extract(base, carrier) : base;
}

/** Whether a context holds a trace (a valid span context). */
export function hasTrace(ctx: Context): boolean {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && isSpanContextValid(sc);
}

/** A link to the trace a context holds: how a batch span names every message it carries. */
export function linkTo(ctx: Context): Link | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc && isSpanContextValid(sc) ? { context: sc } : undefined;
}

/**
 * A context whose trace id is the one given (32 hex digits): an API caller's `X-Request-Id`. The span id is
 * made up, as the caller has none; sampled, so the SDK records the request as it would a new trace.
 */
export function contextWithTraceId(traceId: string, base: Context = ROOT_CONTEXT): Context {
  return trace.setSpanContext(base, { traceId, spanId: randomIdHex(8), traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

export interface SpanSpec {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Parent context; default the active one. ROOT_CONTEXT starts a new trace. */
  parent?: Context;
}

/**
 * Runs `fn` in a new span (the active one while it runs, so nested spans, bus hops and log lines see it),
 * ends it, and marks it failed when `fn` throws. With no SDK and no parent trace, the no-op span has no
 * trace id: a random one is made up so the correlation id still reaches the logs.
 */
export function inSpan<T>(name: string, spec: SpanSpec, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(inSpanMaybeAsync(name, spec, fn));
  } catch (err) {
    // As an async function would: a synchronous throw of fn becomes the rejection, whatever was thrown.
    return Promise.reject(err);
  }
}

/**
 * `inSpan` for work that may finish at once (a Heartbeat's answer, a refused CALL): when `fn` returns a plain
 * value the span ends before this returns, and no promise is made. On Node 20 the trace context's
 * AsyncLocalStorage runs a hook for every promise, which on the gateway's hottest path cost a fifth of its
 * Heartbeat rate (docs/benchmarks.md#the-call-path-without-promises).
 */
export function inSpanMaybeAsync<T>(name: string, spec: SpanSpec, fn: (span: Span) => T | Promise<T>): T | Promise<T> {
  const parent = spec.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: spec.kind ?? SpanKind.INTERNAL, attributes: spec.attributes, links: spec.links }, parent);
  const ctx = isSpanContextValid(span.spanContext()) ? trace.setSpan(parent, span) : trace.setSpanContext(parent, new MadeUpSpanContext());
  let out: T | Promise<T>;
  try {
    out = context.with(ctx, () => fn(span));
  } catch (err) {
    return endFailed(span, err);
  }
  if (!isPromiseLike(out)) {
    span.end();
    return out;
  }
  return Promise.resolve(out).then(
    (value) => {
      span.end();
      return value;
    },
    (err: unknown) => endFailed(span, err),
  );
}

/** Marks the span failed, ends it and throws `err` on (a module function: no closure made for work that succeeds). */
function endFailed(span: Span, err: unknown): never {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  if (err instanceof Error) span.recordException(err);
  span.end();
  throw err;
}

/** A promise from any realm (Jest's module contexts have their own Promise), not only this one's. */
export function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Runs `fn` with `ctx` as the active context (a request handler continuing the caller's trace). */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** The active context: captured where work is queued, restored where it runs (the persistence Batcher). */
export function activeContext(): Context {
  return context.active();
}

/**
 * Makes an event emitter's listeners run in the active context. An HTTP request's body arrives on socket
 * events that belong to the connection, not to the request: without this the body parser's callback, and
 * everything after it, loses the request's trace.
 */
export function bindToActiveContext<E extends object>(emitter: E): E {
  return context.bind(context.active(), emitter);
}
