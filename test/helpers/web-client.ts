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

  /**
   * POSTs a form; the page's CSRF token is added unless `fields._csrf` is given (or `csrf: false`). An array value is a
   * repeated field (ticked checkboxes).
   */
  async post(url: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    if (opts.csrf !== false && fields._csrf === undefined && this.csrf) form.append('_csrf', this.csrf);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...opts.headers },
        payload: form.toString(),
      }),
    );
  }

  /**
   * POSTs a multipart/form-data form (a file upload), as a browser does for `enctype="multipart/form-data"`; the CSRF
   * token is added like in `post`. `files` maps a field name to a file name and its content.
   */
  async postMultipart(url: string, fields: Record<string, string>, files: Record<string, { name: string; content: string | Buffer; type?: string }> = {}): Promise<LightMyRequestResponse> {
    const form = new FormData();
    if (this.csrf && fields._csrf === undefined) form.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, f] of Object.entries(files)) form.append(k, new Blob([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)], { type: f.type ?? 'application/octet-stream' }), f.name);
    return this.remember(
      await this.app.inject({ method: 'POST', url, headers: { cookie: this.cookieHeader(), 'sec-fetch-site': 'same-origin' }, payload: form }),
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
