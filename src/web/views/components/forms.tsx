/** Form pieces every state-changing form uses: the CSRF field, and a one-button POST form. */
import type { ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { ViewerContext } from '../../viewer.js';

/** The hidden `_csrf` field (from the page's viewer). */
export function CsrfField() {
  const viewer = useContext(ViewerContext);
  return viewer.csrf ? <input type="hidden" name="_csrf" value={viewer.csrf} /> : null;
}

/** A form with one button that POSTs `fields` to `action` (works without JavaScript). */
export function PostButton({
  action,
  fields = {},
  children,
  class: className,
  label,
  formClass,
  pressed,
}: {
  action: string;
  fields?: Record<string, string>;
  children: ComponentChildren;
  class?: string;
  label?: string;
  formClass?: string;
  pressed?: boolean;
}) {
  return (
    <form method="post" action={action} class={formClass ?? 'inline-form'}>
      <CsrfField />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={className} aria-label={label} aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}>
        {children}
      </button>
    </form>
  );
}

/** A form's refusal, announced to screen readers (nothing when there is none). */
export function FormError({ message }: { message: string | null | undefined }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** A form's success line, announced politely. */
export function FormOk({ children }: { children: ComponentChildren }) {
  return (
    <p class="form-ok" role="status">
      {children}
    </p>
  );
}

/** `/auth/signin?next=…` for the current page. */
export function signInHref(here: string): string {
  return `/auth/signin?next=${encodeURIComponent(here)}`;
}
