/** Server-side rendering of preact views. preact-render-to-string escapes every interpolated value by default. */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Renders a whole page (a `<Layout>` tree) to an HTML document. */
export function renderPage<P>(view: VNode<P>): string {
  return `<!doctype html>${renderToString(view)}`;
}
