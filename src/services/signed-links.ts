/**
 * Signed links for subscribers who have no account: confirm, manage preferences, unsubscribe. A token is the
 * subscriber id and an HMAC-SHA256 over (purpose, id, address) with the server's secret (kept in the store's settings,
 * made on first use, shared by every instance). It cannot be forged, cannot be used for another purpose or another
 * subscriber, and stops working if the address changes. Nothing is stored per link.
 */
import crypto from 'node:crypto';
import type { Store } from '../store/store.js';

export type LinkPurpose = 'confirm' | 'manage' | 'unsubscribe';

const SECRET_KEY = 'signing_secret';

export class LinkSigner {
  private constructor(private readonly secret: Buffer) {}

  /** The signer for this store's secret (created on first use). */
  static async open(store: Store): Promise<LinkSigner> {
    const value = await store.settings.getOrSet(SECRET_KEY, crypto.randomBytes(32).toString('base64url'));
    return new LinkSigner(Buffer.from(value, 'base64url'));
  }

  private mac(purpose: LinkPurpose, id: number, email: string): string {
    return crypto.createHmac('sha256', this.secret).update(`${purpose}\n${id}\n${email}`).digest('base64url').slice(0, 32);
  }

  sign(purpose: LinkPurpose, id: number, email: string): string {
    return `${id}.${this.mac(purpose, id, email)}`;
  }

  /** The subscriber id a token names, if its signature holds for `emailOf(id)`; else null. */
  async verify(purpose: LinkPurpose, token: unknown, emailOf: (id: number) => Promise<string | null>): Promise<number | null> {
    if (typeof token !== 'string') return null;
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{32})$/.exec(token);
    if (!m) return null;
    const id = Number(m[1]);
    const email = await emailOf(id);
    if (email === null) return null;
    const expected = Buffer.from(this.mac(purpose, id, email));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? id : null;
  }
}
