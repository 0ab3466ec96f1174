/**
 * Who is looking at a page, handed to every view through a preact context (so a card's vote button or the header's
 * account link need no props threaded through every view): the signed-in member or nobody, the CSRF token for the
 * page's forms, and which of the page's papers the member has upvoted.
 */
import { createContext } from 'preact';
import type { Role } from '../store/schema.js';
import type { Theme } from './theme.js';

export interface ViewerModel {
  user: { id: number; name: string; role: Role; moderator: boolean } | null;
  /** Token for the hidden `_csrf` field of the page's forms; null for anonymous pages (no forms that change state). */
  csrf: string | null;
  upvoted: ReadonlySet<string>;
  /** The page's own path and query, where forms send the member back to. */
  here: string;
  /** The member's reading lists for the "Save" menu on paper cards; null when the page did not load them. */
  lists: ReadonlyArray<{ id: number; name: string }> | null;
  /** For the page's papers, the member's lists that hold each. */
  savedIn: ReadonlyMap<string, readonly number[]>;
  /** The colour theme the reader chose (cookie `pb_theme`), or null to follow the system setting. */
  theme: Theme | null;
}

export const ANONYMOUS: ViewerModel = { user: null, csrf: null, upvoted: new Set(), here: '/', lists: null, savedIn: new Map(), theme: null };

export const ViewerContext = createContext<ViewerModel>(ANONYMOUS);
