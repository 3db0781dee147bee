/** Serves the built web app (web/dist) with a SPA fallback to index.html. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

export const webDist = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The request path, decoded; null when it is not valid percent-encoded UTF-8 or holds a NUL. */
function decodedPath(url: string): string | null {
  try {
    const p = decodeURIComponent(new URL(url).pathname);
    return p.includes('\u0000') ? null : p;
  } catch {
    return null;
  }
}

export async function serveWeb(c: Context): Promise<Response> {
  const urlPath = decodedPath(c.req.url);
  if (urlPath === null) return c.text('Bad request: the path is not valid percent-encoded UTF-8', 400);
  const candidate = path.normalize(path.join(webDist, urlPath));
  // Never serve outside web/dist, whatever the path says.
  const isInside = candidate.startsWith(webDist + path.sep);
  if (isInside) {
    const stat = await fs.stat(candidate).catch(() => null);
    if (stat?.isFile()) {
      const body = await fs.readFile(candidate);
      const isHashed = urlPath.startsWith('/assets/');
      return c.body(body, 200, {
        'Content-Type': types[path.extname(candidate)] ?? 'application/octet-stream',
        'Cache-Control': isHashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
  }
  if (path.extname(urlPath)) return c.text('Not found', 404);
  const index = await fs.readFile(path.join(webDist, 'index.html'), 'utf8').catch(() => null);
  if (!index) {
    return c.text('The web app is not built. Run `npm run build` (npm start does this for you).', 503);
  }
  return c.html(index, 200, { 'Cache-Control': 'no-cache' });
}
