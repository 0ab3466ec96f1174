/** Server-side rendering of preact views. preact-render-to-string escapes every interpolated value by default. */
import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { ANONYMOUS, type ViewerModel, ViewerContext } from './viewer.js';

/** Renders a whole page (a `<Layout>` tree) to an HTML document, for `viewer`. */
export function renderPage<P>(view: VNode<P>, viewer: ViewerModel = ANONYMOUS): string {
  return `<!doctype html>${renderToString(h(ViewerContext.Provider, { value: viewer }, view))}`;
}
