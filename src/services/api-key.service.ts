/**
 * Personal API keys: a member makes named keys on the account page and sends one as `Authorization: Bearer pb_…` to
 * write through the JSON API (votes, comments, lists, follows, their digest subscription). A key is shown once, when
 * made; the store keeps only its SHA-256. Revoking is immediate. A suspended member's keys stop working with them.
 */
import { API_KEY_PATTERN, type ApiKey, newApiKey } from '../store/api-key.repository.js';
import type { User } from '../store/account.repository.js';
import type { Store } from '../store/store.js';
import { cleanLine, RuleError } from './rule-error.js';
import { assertCanAct } from './vote.service.js';

/** Working keys a member may hold at once: enough for every script and machine, few enough to review on one page. */
export const MAX_API_KEYS = 20;
export const API_KEY_NAME_MAX = 60;
/** `last_used_at` is written at most this often per key, so a busy script does not turn every read into a write. */
const TOUCH_EVERY_MS = 60_000;

export class ApiKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Makes a key; the secret in the answer is the only time anyone sees it. */
  async create(user: User | null, rawName: unknown): Promise<{ key: ApiKey; secret: string }> {
    assertCanAct(user);
    // Control and bidi characters become spaces (cleanLine), as in every other name a member gives.
    const name = cleanLine(rawName, API_KEY_NAME_MAX, 'A key’s name');
    if (!name) throw new RuleError('invalid', 'Name the key after where it will be used, e.g. "laptop script".');
    const active = await this.store.apiKeys.activeOf(user.id);
    if (active.length >= MAX_API_KEYS) throw new RuleError('conflict', `You have ${MAX_API_KEYS} keys, the most one member may hold. Revoke one you no longer use first.`);
    const { secret, hash, prefix } = newApiKey();
    const key = await this.store.apiKeys.create(user.id, name, hash, prefix, new Date(this.clock()).toISOString());
    return { key, secret };
  }

  async list(user: User): Promise<ApiKey[]> {
    return this.store.apiKeys.activeOf(user.id);
  }

  async revoke(user: User | null, keyId: unknown): Promise<void> {
    assertCanAct(user);
    const id = typeof keyId === 'string' && /^\d{1,15}$/.test(keyId) ? Number(keyId) : typeof keyId === 'number' ? keyId : NaN;
    if (!Number.isSafeInteger(id) || !(await this.store.apiKeys.revoke(user.id, id, new Date(this.clock()).toISOString()))) {
      throw new RuleError('not-found', 'You have no such key; it may be revoked already.');
    }
  }

  /** The key and member a bearer secret names, or null for an unknown, revoked or malformed key (or a suspended member). */
  async authenticate(secret: string): Promise<{ key: ApiKey; user: User } | null> {
    if (!API_KEY_PATTERN.test(secret)) return null;
    const found = await this.store.apiKeys.authenticate(secret);
    if (!found || found.user.bannedAt) return null;
    const now = this.clock();
    if (found.key.lastUsedAt === null || now - Date.parse(found.key.lastUsedAt) >= TOUCH_EVERY_MS) {
      await this.store.apiKeys.touch(found.key.id, new Date(now).toISOString());
    }
    return found;
  }
}
