/** XML helpers shared by the Atom (arXiv API) and OAI-PMH parsers, over fast-xml-parser. */
import { XMLParser } from 'fast-xml-parser';

export type XmlNode = Record<string, unknown>;

// parseTagValue off: ids such as 0704.0471 and a title of "0" (2104.12255 is titled exactly that) must stay strings.
// removeNSPrefix: the 2016 Atom layout declares `arxiv:`/`opensearch:` on each element, the 2026 one on the root.
export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

export const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
export const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Text content of a parsed element, whether it carried attributes (`{#text}`) or not. */
export function text(node: unknown): string {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return String((node as XmlNode)['#text']);
  return '';
}

export function attr(node: unknown, name: string): string | null {
  if (!node || typeof node !== 'object') return null;
  const v = (node as XmlNode)[`@_${name}`];
  return typeof v === 'string' ? v : null;
}

/** Collapsed text of an element, or null when empty. */
export const optional = (node: unknown): string | null => collapse(text(node)) || null;
