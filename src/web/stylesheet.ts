/**
 * The site's one stylesheet, `/static/app.css`: modern-normalize (the CSS foundation, from npm) followed by our own
 * static/app.css, joined once when the app is built, so a page loads a single render-blocking stylesheet with no
 * `@import` chain (docs/decisions/019). Served with the other static files' caching (an hour) and a weak ETag of the
 * joined text (weak: the compressed and plain answers share it); compression is the app's.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const NORMALIZE = createRequire(import.meta.url).resolve('modern-normalize/modern-normalize.css');
export const STYLESHEET_PATH = '/static/app.css';
const STYLESHEET_MAX_AGE_SECONDS = 3600;

export interface Stylesheet {
  css: string;
  etag: string;
}

/** modern-normalize, then the site's stylesheet. */
export function buildStylesheet(staticDir: string): Stylesheet {
  const css = `${fs.readFileSync(NORMALIZE, 'utf8').trim()}\n\n${fs.readFileSync(path.join(staticDir, 'app.css'), 'utf8')}`;
  return { css, etag: `W/"${createHash('sha256').update(css).digest('base64url').slice(0, 27)}"` };
}

/** Registers GET /static/app.css (more specific than the static files' wildcard route, so it wins). */
export function registerStylesheet(app: FastifyInstance, staticDir: string): void {
  const sheet = buildStylesheet(staticDir);
  // @fastify/etag (registered by the app) answers a matching If-None-Match with 304.
  app.get(STYLESHEET_PATH, (_req, reply) =>
    reply.header('cache-control', `public, max-age=${STYLESHEET_MAX_AGE_SECONDS}`).header('etag', sheet.etag).type('text/css; charset=utf-8').send(sheet.css),
  );
}
