import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DASHBOARD_CSP, DashboardAssets } from './dashboard-assets.js';

let root: string;
let server: Server;
let port: number;
const INDEX = `<!doctype html><title>t</title>${'<p>dashboard</p>'.repeat(50)}`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
  const pub = join(root, 'public');
  mkdirSync(join(pub, 'js'), { recursive: true });
  writeFileSync(join(pub, 'index.html'), INDEX);
  writeFileSync(join(pub, 'js/main.js'), 'export const x = 1;\n');
  writeFileSync(join(pub, 'js/main.js.map'), '{}');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  const assets = new DashboardAssets(pub);
  server = createServer((req, res) =>
    assets.handle(req, res, () => {
      res.statusCode = 404;
      res.end('passed on');
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe('DashboardAssets', () => {
  it("serves index.html at / with its type and the dashboard's security headers", async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(INDEX);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('sends the compressed copy to a browser that accepts gzip', async () => {
    const r = await get('/index.html', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.body.length).toBeLessThan(INDEX.length);
    expect(gunzipSync(r.body).toString()).toBe(INDEX);
  });

  it('answers 304 to a revalidation while the file is unchanged, and HEAD without a body', async () => {
    const first = await get('/js/main.js?v=2');
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const again = await get('/js/main.js', { 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get('/js/main.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('export const x = 1;\n'.length));
    expect(head.body.length).toBe(0);
  });

  it('passes on what is not one of its files: other methods, other paths, files of unknown type, paths out of its directory', async () => {
    for (const [path, method] of [
      ['/', 'POST'],
      ['/api/v1/chargers', 'GET'],
      ['/js/main.js.map', 'GET'],
      ['/../secret.txt', 'GET'],
      ['/%2e%2e/secret.txt', 'GET'],
    ] as const) {
      const r = await get(path, {}, method);
      expect([path, method, r.status, r.body.toString()]).toEqual([path, method, 404, 'passed on']);
    }
  });
});
