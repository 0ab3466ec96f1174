/** Server-side rendering of preact views. preact-render-to-string escapes every interpolated value by default. */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any component props
export function renderPage(view: VNode<any>): string {
  return `<!doctype html>${renderToString(view)}`;
}
