/**
 * Who is looking at a page, handed to every view through a preact context (so a card's vote button or the header's
 * account link need no props threaded through every view): the signed-in member or nobody, the CSRF token for the
 * page's forms, and which of the page's papers the member has upvoted.
 */
import { createContext } from 'preact';
import type { Role } from '../store/schema.js';

export interface ViewerModel {
  user: { id: number; name: string; role: Role; moderator: boolean } | null;
  /** Token for the hidden `_csrf` field of the page's forms; null for anonymous pages (no forms that change state). */
  csrf: string | null;
  upvoted: ReadonlySet<string>;
  /** The page's own path and query, where forms send the member back to. */
  here: string;
}

export const ANONYMOUS: ViewerModel = { user: null, csrf: null, upvoted: new Set(), here: '/' };

export const ViewerContext = createContext<ViewerModel>(ANONYMOUS);
