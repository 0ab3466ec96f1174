/**
 * RIS records for papers (the tagged format EndNote, Zotero, Mendeley and RefWorks import; RIS specification,
 * Research Information Systems, 2011). Pure. A preprint is `UNPB` (unpublished work), a paper with a journal
 * reference `JOUR`. Titles keep their LaTeX (math as `$…$`), as reference managers store what arXiv gives.
 */
import { bibtexKey } from './bibtex.js';

export interface RisPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  /** YYYY-MM-DD of the first version. */
  published: string;
  doi: string | null;
  journalRef: string | null;
  links: { abs: string | null; pdf: string | null };
}

/** "Ada Lovelace" -> "Lovelace, Ada" (RIS wants family name first); names with a comma already are kept. */
export function risName(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  if (n.includes(',') || !n.includes(' ')) return n;
  // Particles stay with the family name: "Ludwig van Beethoven" -> "van Beethoven, Ludwig".
  const parts = n.split(' ');
  let i = parts.length - 1;
  while (i > 1 && /^(van|von|der|den|de|del|della|di|da|du|la|le|dos|das|ter|ten)$/i.test(parts[i - 1]!)) i--;
  return `${parts.slice(i).join(' ')}, ${parts.slice(0, i).join(' ')}`;
}

/** One field line; values are single lines (RIS has no escaping), so line breaks become spaces. */
const line = (tag: string, value: string) => `${tag}  - ${value.replace(/\s+/g, ' ').trim()}`;

/** The RIS record of a paper, lines ending in CRLF as the format expects. */
export function risEntry(p: RisPaper): string {
  const lines = [line('TY', p.journalRef ? 'JOUR' : 'UNPB'), line('ID', bibtexKey(p)), line('TI', p.title)];
  for (const a of p.authors) lines.push(line('AU', risName(a)));
  lines.push(line('PY', p.published.slice(0, 4)), line('DA', p.published.replaceAll('-', '/')));
  if (p.journalRef) lines.push(line('JO', p.journalRef));
  if (p.abstract) lines.push(line('AB', p.abstract));
  for (const c of p.categories) lines.push(line('KW', c));
  if (p.doi) lines.push(line('DO', p.doi));
  const abs = p.links.abs ?? (/^\d{4}\.\d{4,5}$|\//.test(p.id) ? `https://arxiv.org/abs/${p.id}` : null);
  if (abs) lines.push(line('UR', abs));
  if (p.links.pdf) lines.push(line('L1', p.links.pdf));
  if (abs?.includes('arxiv.org')) lines.push(line('N1', `arXiv:${p.id}`));
  lines.push('ER  - ');
  return `${lines.join('\r\n')}\r\n`;
}
