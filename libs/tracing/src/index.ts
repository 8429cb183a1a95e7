export {
  currentTraceId,
  currentSpanId,
  injectTrace,
  extractTrace,
  hasTrace,
  linkTo,
  contextWithTraceId,
  inSpan,
  inSpanMaybeAsync,
  isPromiseLike,
  withContext,
  activeContext,
  bindToActiveContext,
  SpanKind,
  ROOT_CONTEXT,
  TRACEPARENT_HEADER,
} from './trace-context.js';
export type { TraceCarrier, SpanSpec, Context, Span, Attributes } from './trace-context.js';
export { startTracing, installTraceContext } from './start-tracing.js';
export type { Tracing, TracingSettings } from './start-tracing.js';
