/**
 * A browser-like client over `app.inject`: keeps cookies, picks up the CSRF token from the last page it loaded, and
 * posts forms the way a browser does (application/x-www-form-urlencoded, same-origin).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;

  constructor(private readonly app: FastifyInstance) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const gone = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  /** POSTs a form; the page's CSRF token is added unless `fields._csrf` is given (or `csrf: false`). */
  async post(url: string, fields: Record<string, string>, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
    const form = { ...fields };
    if (opts.csrf !== false && form._csrf === undefined && this.csrf) form._csrf = this.csrf;
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...opts.headers },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }
}

/** The sign-in link in a mail's text. */
export function signInLink(text: string | undefined): URL {
  const m = /(https?:\/\/\S+\/auth\/verify\?\S+)/.exec(text ?? '');
  if (!m) throw new Error(`no sign-in link in: ${text}`);
  return new URL(m[1]!);
}
