import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, Histogram, register } from 'prom-client';

/**
 * HTTP request duration by route template (never the raw path: charger ids would make a series per
 * charger) and status, for the API dashboards and alerts. A request no route matched is `unmatched`.
 */
export const httpRequestDuration =
  (register.getSingleMetric('http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'> | undefined) ??
  new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });

/** 1 when this process's last readiness probe passed, 0 when it failed (alerts on readiness failing). */
export const readinessGauge =
  (register.getSingleMetric('csms_ready') as Gauge | undefined) ??
  new Gauge({ name: 'csms_ready', help: 'Result of the last readiness probe (1 ready, 0 not ready)' });

type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/** The matched route's template, e.g. /api/v1/chargers/:id; Express sets req.route once a handler matched. */
export function routeLabel(req: RoutedRequest): string {
  const path = req.route?.path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

/** Express-style middleware timing every request until its response is finished (or the client left). */
export function httpMetricsMiddleware(req: RoutedRequest, res: ServerResponse, next: () => void): void {
  const end = httpRequestDuration.startTimer();
  let done = false;
  const observe = (): void => {
    if (done) return;
    done = true;
    end({ method: req.method ?? 'GET', route: routeLabel(req), status: String(res.statusCode) });
  };
  res.once('finish', observe);
  res.once('close', observe);
  next();
}
