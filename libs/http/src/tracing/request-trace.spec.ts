import { installTraceContext, injectTrace, withContext } from '#csms/tracing';
import { requestParent } from './request-trace.js';

/** The trace id a request's parent context carries (empty: a new trace will be made). */
function traceOf(headers: Record<string, string>): string {
  return withContext(requestParent(headers), () => injectTrace().traceparent?.split('-')[1] ?? '');
}

describe("where an API request's trace starts", () => {
  beforeAll(() => installTraceContext());
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('continues a valid traceparent, before any X-Request-Id', () => {
    expect(traceOf({ traceparent: `00-${id}-00f067aa0ba902b7-01`, 'x-request-id': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).toBe(id);
  });

  it('takes an X-Request-Id that is a trace id (hex or UUID) as the trace id', () => {
    expect(traceOf({ 'x-request-id': id.toUpperCase() })).toBe(id);
    expect(traceOf({ 'x-request-id': '4bf92f35-77b3-4da6-a3ce-929d0e0e4736' })).toBe(id);
  });

  it('starts a new trace for anything else (a bad traceparent, an all-zero or free-form request id)', () => {
    expect(traceOf({ traceparent: 'garbage' })).toBe('');
    expect(traceOf({ 'x-request-id': '0'.repeat(32) })).toBe('');
    expect(traceOf({ 'x-request-id': 'req-42' })).toBe('');
    expect(traceOf({})).toBe('');
  });
});
