import { Counter, register } from 'prom-client';

/** Refused operator API requests (401 unknown caller, 403 role too weak, 503 token check unavailable): what an "auth failure spike" alert watches. */
export const apiAuthRefusals: Counter<'status' | 'kind'> =
  // prom-client's registry is process-wide; Jest may load this module twice.
  (register.getSingleMetric('csms_api_auth_refusals_total') as Counter<'status' | 'kind'> | undefined) ??
  new Counter({
    name: 'csms_api_auth_refusals_total',
    help: 'Operator API requests refused by authentication (401), role (403) or an unavailable token check (503)',
    labelNames: ['status', 'kind'],
  });
