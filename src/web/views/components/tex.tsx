/** Places HTML from the math renderer (text escaped, math typeset by KaTeX). Only `MathHtml` is accepted. */
import type { MathHtml } from '../../../domain/math.js';

export function Tex({ html, class: className }: { html: MathHtml; class?: string }) {
  return <span class={className ? `tex ${className}` : 'tex'} dangerouslySetInnerHTML={{ __html: html }} />;
}
