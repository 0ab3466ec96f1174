/**
 * The reader's colour theme. Without a choice the site follows the system setting (`prefers-color-scheme`); the
 * toggle in the footer (app.js) stores "light" or "dark" in the non-secret cookie `pb_theme` (SameSite=Lax, a year),
 * and pages are rendered with `<html data-theme="…">` from it, so a later load never flashes the other theme. Any
 * other value is ignored (the page follows the system). A shared cache must key pages on this cookie (docs/deploy.md).
 */
export const THEME_COOKIE = 'pb_theme';

export type Theme = 'light' | 'dark';

/** The theme chosen in a request's Cookie header; null for none or for anything but exactly `light` or `dark`. */
export function themeFromCookies(header: string | undefined): Theme | null {
  if (!header) return null;
  // Read exactly as nginx reads $cookie_pb_theme for the cache key (docs/deploy.md): spaces only before the name, the
  // value up to the separator, nothing trimmed. A looser reading here would render a theme into a page that nginx
  // files under "no theme", for every visitor.
  const value = /(?:^|;) *pb_theme=([^;]*)/.exec(header)?.[1];
  return value === 'light' || value === 'dark' ? value : null;
}
