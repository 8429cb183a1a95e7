import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Everything from our own origin and nothing inline: no CDN, no external font, no injected script can run
 * (the dashboard builds its DOM with textContent; uPlot styles through the CSSOM, which style-src allows).
 */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
  /** Compressed at the first request that accepts gzip (about 100 ms of CPU for all of them: not at start-up). */
  gzip?: Buffer;
}

export type Next = (err?: unknown) => void;

/**
 * The built dashboard (a few hundred KB), read once at start-up and served from memory, gzip-compressed
 * once. Only the files found at start-up exist: a request path is a map key, never a file path, so
 * nothing outside the directory can be reached.
 */
export class DashboardAssets {
  private readonly assets = new Map<string, Asset>();

  constructor(dir: string) {
    for (const file of walk(dir)) {
      const type = TYPES[extname(file)];
      if (!type) continue;
      const body = readFileSync(file);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      this.assets.set('/' + relative(dir, file).split(sep).join('/'), { type, body, etag });
    }
  }

  get size(): number {
    return this.assets.size;
  }

  get bytes(): number {
    let n = 0;
    for (const a of this.assets.values()) n += a.body.length;
    return n;
  }

  /** Express-style middleware: answers GET/HEAD for a dashboard file (`/` is index.html), passes anything else on. */
  readonly handle = (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = (req.url ?? '/').split('?', 1)[0];
    const asset = this.assets.get(path === '/' ? '/index.html' : path);
    if (!asset) return next();
    res.setHeader('Content-Type', asset.type);
    // Names carry no content hash: the browser asks again each time and gets 304 while nothing changed.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    if (req.headers['if-none-match'] === asset.etag) {
      res.statusCode = 304;
      return void res.end();
    }
    const compressed = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? (asset.gzip ??= gzipSync(asset.body, { level: 9 })) : undefined;
    const gzip = compressed !== undefined && compressed.length < asset.body.length;
    const body = gzip ? compressed : asset.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
