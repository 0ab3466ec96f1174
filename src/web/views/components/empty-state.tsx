/**
 * A page or section with nothing to show (an empty day, a search without results, an empty list, an error): what
 * happened, in a heading, why or what it means, and where to go next as links. One look everywhere (.empty-state).
 */
import type { ComponentChildren } from 'preact';

export interface EmptyAction {
  href: string;
  label: string;
}

export function EmptyState({ title, children, actions, heading = 'h2', class: extra }: { title: ComponentChildren; children?: ComponentChildren; actions?: EmptyAction[]; heading?: 'h1' | 'h2'; class?: string }) {
  const Heading = heading;
  return (
    <section class={extra ? `empty-state ${extra}` : 'empty-state'}>
      <Heading class="empty-state-title">{title}</Heading>
      {children}
      {actions?.length ? (
        <ul class="empty-state-actions" aria-label="Where to go next">
          {actions.map((a) => (
            <li key={a.href}>
              <a class="button-link" href={a.href}>
                {a.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
