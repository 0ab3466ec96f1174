/** The member's own settings page, and the public profile of any member. */
import type { User } from '../../store/account.repository.js';
import type { ApiKey } from '../../store/api-key.repository.js';
import type { MemberProfile } from '../../services/account.service.js';
import { AFFILIATION_MAX_CHARS, DISPLAY_NAME_MAX_CHARS } from '../../services/account.service.js';
import { API_KEY_NAME_MAX, MAX_API_KEYS } from '../../services/api-key.service.js';
import { paperHref } from '../presenters/paper.presenter.js';
import { useContext } from 'preact/hooks';
import { ViewerContext } from '../viewer.js';
import { CsrfField, FormError, FormOk, PostButton } from './components/forms.js';
import { Layout } from './layout.js';

export interface AccountDigestModel {
  status: string;
  frequency: string;
  manageUrl: string;
}

/** The API keys section: the member's working keys, and what the last action on them did. */
export interface AccountApiKeysModel {
  keys: readonly ApiKey[];
  /** A key just made: its secret, shown on this page only (the page is sent with `Cache-Control: no-store`). */
  created?: { name: string; secret: string } | undefined;
  /** Why making or revoking a key was refused. */
  error?: string | undefined;
  /** The name typed into the refused form, to put back. */
  typedName?: string | undefined;
  revoked?: boolean | undefined;
}

export interface AccountViewProps {
  user: User;
  saved: boolean;
  error?: string | undefined;
  welcome?: boolean | undefined;
  next?: string | undefined;
  digest?: AccountDigestModel | null | undefined;
  apiKeys?: AccountApiKeysModel | undefined;
}

/** `2025-05-26 14:03 UTC` from an ISO timestamp. */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

function ApiKeysSection({ model }: { model: AccountApiKeysModel }) {
  const { keys, created, error, typedName, revoked } = model;
  return (
    <section aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      <p>
        A personal API key lets your own scripts and tools act as you through the <a href="/api/docs">JSON API</a>: vote, comment, keep reading lists,
        follow authors and categories, manage your digest. Reading needs no key. Send the key with each request as{' '}
        <code>Authorization: Bearer pb_…</code>.
      </p>
      <p class="muted">
        A key is shown once, when you make it: we store only a hash of it, so nobody (us included) can show it again. Anyone holding a key can act as you, so
        revoke one you no longer use or that may have leaked. At most {MAX_API_KEYS} keys at once.
      </p>
      {created ? (
        <div class="notice new-api-key" role="status">
          <p>
            <strong>Your new key “{created.name}”.</strong> Copy it now: it will not be shown again.
          </p>
          <label for="new-api-key-secret">API key</label>
          <div class="secret-row">
            <input id="new-api-key-secret" class="secret-field" type="text" readonly value={created.secret} autocomplete="off" spellcheck={false} aria-describedby="new-api-key-warning" />
            <button type="button" class="copy-button" data-copy-target="new-api-key-secret" hidden>
              Copy
            </button>
          </div>
          <p id="new-api-key-warning" class="form-hint">
            This page is not kept by your browser; once you leave it, the key cannot be read here again. If you lose it, revoke it and make a new one.
          </p>
        </div>
      ) : null}
      {revoked ? <FormOk>Key revoked. Requests that use it are now refused.</FormOk> : null}
      <FormError message={error} />
      <form method="post" action="/account/api-keys#api-keys" class="stacked-form">
        <CsrfField />
        <label for="api-key-name">Name of a new key (where you will use it)</label>
        <input id="api-key-name" name="name" maxlength={API_KEY_NAME_MAX} required value={typedName ?? ''} autocomplete="off" placeholder="e.g. laptop script" />
        <button type="submit" class="secondary-button">
          Make a key
        </button>
      </form>
      {keys.length === 0 ? (
        <p class="muted">You have no API keys.</p>
      ) : (
        <table class="log-table api-keys">
          <caption class="visually-hidden">Your working API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Made</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key-id={String(k.id)}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>
                  <time datetime={k.createdAt}>{utcMinute(k.createdAt)}</time>
                </td>
                <td>{k.lastUsedAt ? <time datetime={k.lastUsedAt}>{utcMinute(k.lastUsedAt)}</time> : <span class="muted">never</span>}</td>
                <td>
                  <PostButton action={`/account/api-keys/${k.id}/revoke`} class="link-button" label={`Revoke the key “${k.name}” (${k.prefix}…)`}>
                    Revoke
                  </PostButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AccountView({ user, saved, error, welcome, next, digest, apiKeys }: AccountViewProps) {
  return (
    <Layout title={welcome ? 'Welcome' : 'Your account'} scripts={apiKeys?.created ? ['/static/app.js'] : undefined}>
      <section class="form-page">
        <h1>{welcome ? 'Welcome to Paperboy' : 'Your account'}</h1>
        {welcome ? (
          <p role="status">
            You are signed in. Choose the name shown with your comments and submissions (you can change it later), or <a href={next ?? '/'}>skip this for now</a>.
          </p>
        ) : null}
        <p>
          Signed in as <strong>{user.email}</strong>. Your address is never shown to anyone. <a href={`/users/${user.id}`}>See your public profile</a>.
        </p>
        {saved ? <FormOk>Saved.</FormOk> : null}
        <FormError message={error} />
        <form method="post" action="/account" class="stacked-form">
          <CsrfField />
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <label for="display-name">Display name (shown with your comments and submissions)</label>
          <input id="display-name" name="displayName" maxlength={DISPLAY_NAME_MAX_CHARS} value={user.displayName ?? ''} autocomplete="nickname" />
          <label for="affiliation">Affiliation (optional)</label>
          <input id="affiliation" name="affiliation" maxlength={AFFILIATION_MAX_CHARS} value={user.affiliation ?? ''} autocomplete="organization" />
          <label class="checkbox">
            <input type="checkbox" name="emailOnReply" checked={user.emailOnReply} /> Mail me replies to my comments
          </label>
          <button type="submit" class="primary-button">
            Save
          </button>
        </form>

        {welcome ? null : (
          <>
        <h2 id="digest">Email digest</h2>
        {digest && digest.status === 'active' ? (
          <p>
            You get the {digest.frequency} digest. <a href={digest.manageUrl}>Change topics or frequency, or unsubscribe</a>.
          </p>
        ) : (
          <>
            {digest ? <p>Your digest is {digest.status === 'pending' ? 'waiting for confirmation' : digest.status}. Subscribe here to (re)start it.</p> : null}
            <p>The best new papers by mail, with a “for you” section picked from what you upvoted.</p>
            <form method="post" action="/account/digest" class="stacked-form">
              <CsrfField />
              <label class="checkbox">
                <input type="radio" name="frequency" value="daily" checked /> Daily
              </label>
              <label class="checkbox">
                <input type="radio" name="frequency" value="weekly" /> Weekly
              </label>
              <label for="account-digest-categories">arXiv categories (optional, comma-separated)</label>
              <input id="account-digest-categories" name="categories" maxlength={600} />
              <button type="submit" class="secondary-button">
                Subscribe to the digest
              </button>
            </form>
          </>
        )}

        {apiKeys ? <ApiKeysSection model={apiKeys} /> : null}

        <h2>Sessions</h2>
        <p>Signed in on a computer you no longer use? End every session, on every device (this one too).</p>
        <PostButton action="/account/signout-everywhere" class="secondary-button">
          Sign out everywhere
        </PostButton>

        <h2>Delete your account</h2>
        <p>
          Removes your address, profile, votes, sessions and API keys. Your comments are deleted; those with replies stay as “[deleted]” so the thread keeps its
          shape. Papers you submitted stay in the feed without your name. This cannot be undone.
        </p>
        <form method="post" action="/account/delete" class="stacked-form">
          <CsrfField />
          <label for="confirm-delete">Type DELETE to confirm</label>
          <input id="confirm-delete" name="confirm" autocomplete="off" required pattern="DELETE" />
          <button type="submit" class="danger-button">
            Delete my account
          </button>
        </form>
          </>
        )}
      </section>
    </Layout>
  );
}

export function AccountDeletedView() {
  return (
    <Layout title="Account deleted">
      <section class="form-page">
        <h1>Your account is deleted</h1>
        <p role="status">Your address, profile, votes and comments are gone. Thank you for reading with us.</p>
        <p>
          <a href="/">Back to today's papers</a>
        </p>
      </section>
    </Layout>
  );
}

export function ProfileView({ profile }: { profile: MemberProfile }) {
  const p = profile;
  const viewer = useContext(ViewerContext);
  return (
    <Layout title={p.name}>
      <section class="profile">
        <h1>{p.name}</h1>
        <p class="muted">
          {p.affiliation ? <>{p.affiliation} · </> : null}member since {p.joined}
          {p.banned ? <> · suspended</> : null}
        </p>
        <p>
          <a href={`/report?type=user&id=${p.id}`} rel="nofollow">
            Report this member
          </a>
          {viewer.user?.moderator ? (
            <>
              {' · '}
              <a href={`/moderation/users/${p.id}`}>Moderate</a>
            </>
          ) : null}
        </p>
        <h2>Submitted</h2>
        {p.submitted.length === 0 ? <p class="muted">Nothing yet.</p> : null}
        <ul class="plain-list">
          {p.submitted.map((s) => (
            <li key={s.paperId}>
              <a href={paperHref(s.paperId)}>{s.title}</a> <span class="muted">({s.feedDate})</span>
            </li>
          ))}
        </ul>
        <h2>Upvoted</h2>
        {p.upvoted.length === 0 ? <p class="muted">Nothing yet.</p> : null}
        <ul class="plain-list">
          {p.upvoted.map((u) => (
            <li key={u.paperId}>
              <a href={paperHref(u.paperId)}>{u.title}</a>
            </li>
          ))}
        </ul>
        <h2>Comments</h2>
        {p.comments.length === 0 ? <p class="muted">Nothing yet.</p> : null}
        <ul class="plain-list">
          {p.comments.map((c) => (
            <li key={c.id}>
              <a href={`${paperHref(c.paperId)}#comment-${c.id}`}>On “{c.paperTitle}”</a> <span class="muted">{c.createdAt.slice(0, 10)}</span>
              <blockquote class="comment-excerpt">{c.body.length > 280 ? `${c.body.slice(0, 280)}…` : c.body}</blockquote>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
