/**
 * The browser editor, served from its build (editor/dist) at `/`. Any path that is not a
 * file of the build gets index.html (the editor routes in the browser), except paths
 * under /api and /hooks, which stay the API's — an unknown API path answers the API's
 * JSON 404, never an HTML page.
 *
 * Caching: files under /assets/ have content hashes in their names, so browsers keep
 * them for a year; index.html is revalidated on every load so a new build shows at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type Context, type MiddlewareHandler, type Next } from 'hono';
import { compress } from 'hono/compress';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The editor's pages run only the build's own scripts and talk only to this server, so
 * injected markup (were any ever to get through) could neither run nor send anything
 * elsewhere. Styles may be inline: React Flow and CodeMirror set them on elements.
 */
export const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Paths the editor must never answer: the API's and the webhooks'. */
export function isServerPath(path: string): boolean {
  return /^\/(api|hooks)(\/|$)/.test(path);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Junction</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Junction</h1>
<p>The editor has not been built on this server. <code>npm start</code> builds it when needed;
<code>npm run build</code> builds it on its own. The API is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

export function editorRoutes(distDir: string) {
  const app = new Hono();
  const indexFile = join(distDir, 'index.html');
  /** Answers with the handler's file, if it has one, with the caching that file gets. */
  const cached = async (handler: MiddlewareHandler, c: Context, next: Next) => {
    const answered: unknown = await handler(c, next);
    if (answered instanceof Response) {
      answered.headers.set('cache-control', c.req.path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
      if (answered.headers.get('content-type')?.startsWith('text/html')) answered.headers.set('content-security-policy', EDITOR_CSP);
    }
    return answered as Response | undefined;
  };

  app.use('*', async (c, next) => {
    if (isServerPath(c.req.path) || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return next();
    return compress()(c, next);
  });
  // Made on first use: the build may appear after the server started (a build beside it).
  let files: MiddlewareHandler | null = null;
  const index = serveStatic({ path: indexFile });
  app.use('*', async (c, next) => {
    if (isServerPath(c.req.path)) return next();
    if (!existsSync(indexFile)) return c.html(NOT_BUILT, 200, { 'cache-control': REVALIDATE });
    files ??= serveStatic({ root: distDir });
    return cached(files, c, next);
  });
  // Not a file of the build: the editor's own route (/workflows/…, /runs/…).
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    if (isServerPath(c.req.path)) return next();
    // A missing hashed asset is a stale page asking for an old build: a 404, not index.html.
    if (c.req.path.startsWith('/assets/')) return next();
    return cached(index, c, next);
  });
  return app;
}
