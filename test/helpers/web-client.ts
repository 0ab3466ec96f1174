/**
 * A browser-like client over `app.inject`: keeps cookies, picks up the CSRF token from the last page it loaded, and
 * posts forms the way a browser does (application/x-www-form-urlencoded, same-origin).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Store } from '../../src/store/store.js';

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

/**
 * A member signed in directly through the store (fast), holding a CSRF token from their account page. The account is
 * a week old unless `createdAt` says otherwise (old enough for their votes to move trending).
 */
export async function signedInMember(app: FastifyInstance, store: Store, email: string, opts: { name?: string; createdAt?: Date } = {}): Promise<WebClient> {
  const user = await store.accounts.findOrCreateUser(email, opts.createdAt ?? new Date(Date.now() - 7 * 86_400_000));
  if (opts.name) await store.accounts.updateProfile(user.id, { displayName: opts.name, affiliation: null });
  const client = new WebClient(app);
  client.cookies.set('pb_session', await store.accounts.createSession(user.id, new Date(), 86_400_000));
  await client.get('/account');
  return client;
}
