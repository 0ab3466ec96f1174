/** Sending an HTML page: the viewer (member, CSRF token, their upvotes), caching and the math CSP relaxation. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { bibtexEntry } from '../domain/bibtex.js';
import { risEntry } from '../domain/ris.js';
import type { PaperRecord } from '../store/paper.repository.js';
import type { Store } from '../store/store.js';
import { renderPage } from './render.js';
import { viewerFor } from './session.js';

/** Anonymous pages change when papers are imported or upvoted; a minute of staleness is fine (ETags revalidate). */
export const PAGE_CACHE_CONTROL = 'public, max-age=60';

/**
 * KaTeX positions glyphs with inline `style` attributes, which the global CSP (`style-src 'self'`) blocks. On pages
 * that show math we allow style *attributes* only (CSP3 `style-src-attr`; docs/decisions/006); `<style>` elements
 * and scripts stay blocked, and every attribute on the page comes from escaped views, KaTeX (trust off) or the
 * sanitised comment renderer.
 */
export function allowMathStyles(reply: FastifyReply): void {
  const csp = reply.getHeader('content-security-policy');
  if (typeof csp !== 'string' || csp.includes('style-src-attr')) return;
  reply.header('content-security-policy', `${csp};style-src-attr 'unsafe-inline'`);
}

export interface SendHtmlOptions {
  math?: boolean;
  status?: number;
  /** Default PAGE_CACHE_CONTROL; pages for a signed-in member are made private by the session hook. */
  cacheControl?: string;
  /** Papers on the page, to mark the member's upvotes. */
  paperIds?: readonly string[];
  /** The page has forms even for anonymous visitors (sign-in): issue a CSRF token, and do not cache. */
  forms?: boolean;
  store?: Store | undefined;
}

export async function sendHtml<P>(req: FastifyRequest, reply: FastifyReply, view: VNode<P>, opts: SendHtmlOptions = {}) {
  if (opts.math) allowMathStyles(reply);
  const viewer = await viewerFor(req, reply, opts.store, { paperIds: opts.paperIds, forms: opts.forms });
  return reply
    .code(opts.status ?? 200)
    .header('cache-control', opts.forms ? 'no-store' : (opts.cacheControl ?? PAGE_CACHE_CONTROL))
    .type('text/html; charset=utf-8')
    .send(renderPage(view, viewer));
}

/** BibTeX or RIS for papers, as a download named `name.bib` / `name.ris`. */
export function sendCitations(reply: FastifyReply, format: 'bib' | 'ris', papers: readonly PaperRecord[], name: string) {
  const body = format === 'bib' ? papers.map((p) => bibtexEntry(p)).join('\n') : papers.map((p) => risEntry(p)).join('\r\n');
  return reply
    .header('cache-control', PAGE_CACHE_CONTROL)
    .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.${format}"`)
    .type(format === 'bib' ? 'application/x-bibtex; charset=utf-8' : 'application/x-research-info-systems; charset=utf-8')
    .send(body);
}
