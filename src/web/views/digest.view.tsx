/** Digest pages: subscribe, check your mail, confirm, preferences (by signed link), unsubscribed. */
import type { Subscriber } from '../../store/subscriber.repository.js';
import { CsrfField, FormError, FormOk } from './components/forms.js';
import { Layout } from './layout.js';

function TopicFields({ sub }: { sub?: Pick<Subscriber, 'categories' | 'keywords' | 'authors' | 'frequency' | 'dailyMode'> | undefined }) {
  const f = sub?.frequency ?? 'daily';
  return (
    <>
      <fieldset class="choice">
        <legend>How often</legend>
        <label>
          <input type="radio" name="frequency" value="daily" checked={f === 'daily'} /> Daily, the morning after each arXiv announcement
        </label>
        <label>
          <input type="radio" name="frequency" value="weekly" checked={f === 'weekly'} /> Weekly, the week's best papers
        </label>
      </fieldset>
      <fieldset class="choice">
        <legend>Days you miss (daily only)</legend>
        <label>
          <input type="radio" name="dailyMode" value="merge" checked={(sub?.dailyMode ?? 'merge') === 'merge'} /> Fold them into the next digest
        </label>
        <label>
          <input type="radio" name="dailyMode" value="skip" checked={sub?.dailyMode === 'skip'} /> Only the newest day
        </label>
      </fieldset>
      <p class="form-hint">Topics are optional: leave them empty for the best papers of all. A paper matches if it has any of them.</p>
      <label for="digest-categories">arXiv categories (comma-separated, e.g. cs.LG, cs.CL, math)</label>
      <input id="digest-categories" name="categories" maxlength={600} value={sub?.categories.join(', ') ?? ''} />
      <label for="digest-keywords">Keywords or phrases (comma-separated)</label>
      <input id="digest-keywords" name="keywords" maxlength={1200} value={sub?.keywords.join(', ') ?? ''} />
      <label for="digest-authors">Authors (comma-separated)</label>
      <input id="digest-authors" name="authors" maxlength={1600} value={sub?.authors.join(', ') ?? ''} />
    </>
  );
}

export function SubscribeView({ error, email }: { error?: string | undefined; email?: string }) {
  return (
    <Layout title="Trending papers in your inbox">
      <section class="form-page">
        <h1>Trending papers in your inbox</h1>
        <p>A digest of the best new papers, daily or weekly, on the topics you choose. We mail you a link to confirm first; every digest has a one-click unsubscribe.</p>
        <FormError message={error} />
        <form method="post" action="/digest/subscribe" class="stacked-form">
          <CsrfField />
          <label for="digest-email">Email address</label>
          <input id="digest-email" type="email" name="email" required maxlength={254} autocomplete="email" value={email ?? ''} />
          <TopicFields />
          <button type="submit" class="primary-button">
            Subscribe
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function DigestMessageView({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <Layout title={title}>
      <section class="form-page">
        <h1>{title}</h1>
        {children}
      </section>
    </Layout>
  );
}

export function ConfirmDigestView({ token }: { token: string }) {
  return (
    <DigestMessageView title="Confirm your subscription">
      <p>Press the button to start receiving the digest.</p>
      <form method="post" action="/digest/confirm" class="stacked-form">
        <CsrfField />
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="primary-button">
          Confirm subscription
        </button>
      </form>
    </DigestMessageView>
  );
}

export function PreferencesView({
  sub,
  token,
  unsubscribeHref,
  saved,
  confirmed,
  error,
}: {
  sub: Subscriber;
  token: string;
  unsubscribeHref: string;
  saved?: boolean;
  confirmed?: boolean;
  error?: string;
}) {
  const active = sub.status === 'active';
  return (
    <Layout title="Digest preferences">
      <section class="form-page">
        <h1>Your digest</h1>
        <p>
          For <strong>{sub.email}</strong> ·{' '}
          {active ? 'subscribed' : sub.status === 'pending' ? 'not confirmed yet' : sub.status === 'undeliverable' ? 'paused: mail to this address failed' : 'unsubscribed'}
        </p>
        {saved ? <FormOk>Saved.</FormOk> : null}
        {confirmed ? <FormOk>Subscription confirmed: the next {sub.frequency} digest comes to this address. Choose topics below, or keep all papers.</FormOk> : null}
        <FormError message={error} />
        <form method="post" action="/digest/preferences" class="stacked-form">
          <CsrfField />
          <input type="hidden" name="token" value={token} />
          <TopicFields sub={sub} />
          <div class="button-row">
            <button type="submit" name="action" value="save" class="primary-button">
              {active ? 'Save' : 'Save and subscribe'}
            </button>
          </div>
        </form>
        {active ? (
          <p>
            <a href={unsubscribeHref}>Unsubscribe</a> from all digests.
          </p>
        ) : null}
      </section>
    </Layout>
  );
}

export function UnsubscribeView({ token, done, manageUrl }: { token: string; done: boolean; manageUrl: string | null }) {
  return (
    <DigestMessageView title={done ? 'You are unsubscribed' : 'Unsubscribe'}>
      {done ? (
        <>
          <p role="status">No more digests will be sent to this address.</p>
          {manageUrl ? (
            <p>
              Changed your mind? <a href={manageUrl}>Subscribe again</a>.
            </p>
          ) : null}
        </>
      ) : (
        <form method="post" action={`/digest/unsubscribe?token=${encodeURIComponent(token)}`} class="stacked-form">
          <p>Stop the Paperboy digest for this address?</p>
          <button type="submit" class="primary-button">
            Unsubscribe
          </button>
        </form>
      )}
    </DigestMessageView>
  );
}
