/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON on purpose (below) */
/**
 * A plain HTTP client for the operator API, as a dashboard would use it. Bodies are untyped JSON (`any`
 * on purpose): the tests assert their shape, which is the point of an end-to-end test.
 */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

/**
 * Bearer tokens of the processes started with API_AUTH=token (test/support/processes.ts records their
 * API_ADMIN_TOKEN here), so a test written for the loopback-trusted default runs unchanged against them.
 */
const tokensByBaseUrl = new Map<string, string>();

export function rememberApiToken(baseUrl: string, token: string): void {
  tokensByBaseUrl.set(baseUrl, token);
}

/** `token`: sent as Authorization: Bearer; default the one remembered for `baseUrl`; `null`: none. */
export function apiClient(baseUrl: string, options: { token?: string | null } = {}) {
  const token = options.token === null ? undefined : (options.token ?? tokensByBaseUrl.get(baseUrl));
  async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (CSV, metrics) */
    }
    return { status: res.status, body: parsed as T, text };
  }
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body ?? {}),
    patch: <T = any>(path: string, body?: unknown) => call<T>('PATCH', path, body ?? {}),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
  };
}
