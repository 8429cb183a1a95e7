/**
 * The ops dashboard as the built all-in-one serves it at `/`: every file the page loads is there (the
 * browser follows plain ES module imports, no bundler), nothing comes from another origin, the whole
 * dashboard stays under its size budget, and the API, health and metrics routes are unchanged.
 * (Its behaviour in a browser: test/browser/dashboard.browser.ts.)
 */
import { jest } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

/** docs/reference/design-decisions.md#operator-api: the whole dashboard, compressed, under 300 KB. */
const BUDGET_BYTES = 300 * 1024;
const BUILT = join(repoRoot, 'dist/apps/dashboard/public');

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService();
});

afterAll(async () => {
  await csms?.stop();
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

/** The relative module specifiers of an ES module (static imports and re-exports). */
function imports(source: string): string[] {
  return [...source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2]);
}

test('the page and every file it loads are served from our origin, with their types', async () => {
  const index = await fetch(`${csms.apiUrl}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
  const html = await index.text();
  const referenced = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(referenced.filter((u) => /^(https?:)?\/\//.test(u))).toEqual([]);
  expect(referenced).toEqual(expect.arrayContaining(['js/browser/main.js', 'app.css', 'vendor/uPlot.min.css']));

  // The module graph from main.js, as the browser walks it: every import relative and answered.
  const seen = new Set<string>();
  const queue = [new URL('js/browser/main.js', `${csms.apiUrl}/`).href];
  while (queue.length) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await fetch(url);
    expect([url, res.status, res.headers.get('content-type')]).toEqual([url, 200, 'text/javascript; charset=utf-8']);
    for (const spec of imports(await res.text())) {
      expect([url, spec]).toEqual([url, expect.stringMatching(/^\.\.?\//)]);
      queue.push(new URL(spec, url).href);
    }
  }
  expect([...seen].some((u) => u.endsWith('/js/vendor/uPlot.esm.js'))).toBe(true);
  for (const css of ['app.css', 'vendor/uPlot.min.css']) {
    const res = await fetch(`${csms.apiUrl}/${css}`);
    expect([css, res.status, res.headers.get('content-type')]).toEqual([css, 200, 'text/css; charset=utf-8']);
  }
});

test('the whole dashboard is under 300 KB compressed', () => {
  const sizes = files(BUILT).map((f) => gzipSync(readFileSync(f), { level: 9 }).length);
  const total = sizes.reduce((a, b) => a + b, 0);
  console.log(`dashboard: ${sizes.length} files, ${(total / 1024).toFixed(1)} KB gzip`);
  expect(sizes.length).toBeGreaterThan(3);
  expect(total).toBeLessThan(BUDGET_BYTES);
});

test('the API, health and metrics answer as before; an unknown path is still a JSON 404', async () => {
  const chargers = await fetch(`${csms.apiUrl}/api/v1/chargers`);
  expect(chargers.status).toBe(200);
  expect(chargers.headers.get('content-type')).toMatch(/^application\/json/);
  expect(chargers.headers.get('content-security-policy')).toBeNull();
  expect(await (await fetch(`${csms.apiUrl}/health/live`)).json()).toEqual({ status: 'ok' });
  expect(await (await fetch(`${csms.apiUrl}/metrics`)).text()).toContain('process_cpu_user_seconds_total');
  const unknown = await fetch(`${csms.apiUrl}/no/such/page`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
});
