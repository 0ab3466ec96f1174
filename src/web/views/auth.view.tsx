/** Sign-in pages: ask for a link, "check your mail", confirm a link (a button, so mail scanners cannot use it up). */
import { SIGN_IN_SENT_MESSAGE } from '../../services/account.service.js';
import { CsrfField, FormError } from './components/forms.js';
import { Layout } from './layout.js';

export function SignInView({ next, error, email }: { next: string; error?: string; email?: string }) {
  return (
    <Layout title="Sign in">
      <section class="form-page">
        <h1>Sign in</h1>
        <p>Type your email address and we mail you a link that signs you in. No password; a new address gets an account on first sign-in.</p>
        <FormError message={error} />
        <form method="post" action="/auth/signin" class="stacked-form">
          <CsrfField />
          <input type="hidden" name="next" value={next} />
          <label for="signin-email">Email address</label>
          <input id="signin-email" type="email" name="email" required maxlength={254} autocomplete="email" value={email ?? ''} aria-invalid={error ? 'true' : undefined} />
          <button type="submit" class="primary-button">
            Mail me a sign-in link
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function CheckMailView({ next = '/' }: { next?: string }) {
  return (
    <Layout title="Check your mail">
      <section class="form-page">
        <h1>Check your mail</h1>
        <p role="status">{SIGN_IN_SENT_MESSAGE}</p>
        <p>
          Nothing after a few minutes? Look in the spam folder, or <a href={`/auth/signin?next=${encodeURIComponent(next)}`}>ask again</a>.
        </p>
      </section>
    </Layout>
  );
}

export function ConfirmSignInView({ token, next }: { token: string; next: string }) {
  return (
    <Layout title="Sign in">
      <section class="form-page">
        <h1>Sign in to Paperboy</h1>
        <p>Press the button to finish signing in on this device.</p>
        <form method="post" action="/auth/verify" class="stacked-form">
          <CsrfField />
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="next" value={next} />
          <button type="submit" class="primary-button">
            Sign in
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function LinkProblemView({ next = '/' }: { next?: string }) {
  return (
    <Layout title="Sign-in link expired">
      <section class="form-page">
        <h1>This sign-in link cannot be used</h1>
        <p role="alert">It has expired (links work for 15 minutes), was already used, or is incomplete.</p>
        <p>
          <a class="primary-button" href={`/auth/signin?next=${encodeURIComponent(next)}`}>
            Mail me a new link
          </a>
        </p>
      </section>
    </Layout>
  );
}
