/** The member's own settings page, and the public profile of any member. */
import type { User } from '../../store/account.repository.js';
import type { MemberProfile } from '../../services/account.service.js';
import { AFFILIATION_MAX_CHARS, DISPLAY_NAME_MAX_CHARS } from '../../services/account.service.js';
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

export function AccountView({
  user,
  saved,
  error,
  welcome,
  next,
  digest,
}: {
  user: User;
  saved: boolean;
  error?: string;
  welcome?: boolean;
  next?: string | undefined;
  digest?: AccountDigestModel | null;
}) {
  return (
    <Layout title={welcome ? 'Welcome' : 'Your account'}>
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

        <h2>Sessions</h2>
        <p>Signed in on a computer you no longer use? End every session, on every device (this one too).</p>
        <PostButton action="/account/signout-everywhere" class="secondary-button">
          Sign out everywhere
        </PostButton>

        <h2>Delete your account</h2>
        <p>
          Removes your address, profile, votes and sessions. Your comments are deleted; those with replies stay as “[deleted]” so the thread keeps its
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
