/**
 * Spans recorded in memory for specs: the real SDK (not a mock), with an in-memory exporter instead of
 * OTLP. Installs the process's trace context (context manager, propagator) as a service start does.
 */
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { installTraceContext } from '#csms/tracing';

export interface RecordedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
}

export interface SpanRecorder {
  spans(): RecordedSpan[];
  reset(): void;
  /** Unregisters the provider: spans are the API's no-op ones again. */
  stop(): Promise<void>;
}

function toRecorded(s: ReadableSpan): RecordedSpan {
  return {
    name: s.name,
    kind: s.kind,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    attributes: { ...s.attributes },
  };
}

export function recordSpans(): SpanRecorder {
  installTraceContext();
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  return {
    spans: () => exporter.getFinishedSpans().map(toRecorded),
    reset: () => exporter.reset(),
    stop: async () => {
      trace.disable();
      await provider.shutdown();
    },
  };
}
