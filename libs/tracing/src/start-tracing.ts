/**
 * The one place the OpenTelemetry SDK is set up; every other file uses @opentelemetry/api only (through
 * trace-context.ts). Always: an AsyncLocalStorage context manager and the W3C trace-context propagator, so
 * the correlation id flows over the bus and into log lines. With OTEL_EXPORTER_OTLP_ENDPOINT: a tracer
 * provider exporting spans by OTLP/HTTP (JSON) in batches; without it no SDK is loaded at all and every
 * span is the API's no-op one.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT (base URL; spans go to `<it>/v1/traces`). Unset: no export. */
  otlpEndpoint?: string;
  /** OTEL_SERVICE_NAME, or the process's service name. */
  serviceName: string;
}

export interface Tracing {
  /** True when spans are exported (an SDK runs). */
  readonly exporting: boolean;
  /** Exports what is still buffered, then stops the SDK. */
  shutdown(): Promise<void>;
}

let propagationInstalled = false;

/** The context manager and the propagator, once per process (also what unit specs call). */
export function installTraceContext(): void {
  if (propagationInstalled) return;
  propagationInstalled = true;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  installTraceContext();
  if (!settings.otlpEndpoint) return { exporting: false, shutdown: async () => undefined };
  // Loaded only when exporting: a process without OTEL pays nothing for the SDK.
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  // The exporter reads the other OTEL_EXPORTER_OTLP_* variables (headers, timeout) itself.
  const exporter = new OTLPTraceExporter({ url: `${settings.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    exporting: true,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}
