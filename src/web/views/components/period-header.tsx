/** The top of a feed page: Daily/Weekly/Monthly tabs, the heading, neighbour links and the date picker. */
import type { FeedPageModel, NeighbourLink } from '../../presenters/feed-page.presenter.js';

function Neighbour({ link, rel }: { link: NeighbourLink | null; rel: 'prev' | 'next' }) {
  const cls = `period-step period-${rel}`;
  if (!link) return <span class={`${cls} disabled`} aria-hidden="true" />;
  return (
    <a class={cls} rel={rel} href={link.href}>
      <span class="period-step-text">{rel === 'prev' ? `← ${link.text}` : `${link.text} →`}</span>
      <span class="period-step-detail">{link.detail}</span>
    </a>
  );
}

export function PeriodHeader({ model }: { model: FeedPageModel }) {
  return (
    <header class="period-header">
      <div class="period-toolbar">
        <nav class="tabs" aria-label="Feed period">
          {model.tabs.map((t) => (
            <a key={t.label} class={t.active ? 'tab active' : 'tab'} href={t.href} aria-current={t.active ? 'page' : undefined}>
              {t.label}
            </a>
          ))}
        </nav>
        <form class="date-picker" action="/papers/date" method="get" role="search" aria-label="Go to a day">
          <label for="date-picker-input" class="visually-hidden">
            Day
          </label>
          <input id="date-picker-input" type="date" name="date" value={model.picker.value} max={model.picker.max ?? undefined} required />
          <button type="submit">Go</button>
        </form>
      </div>
      <p class="period-kind">{model.kindTitle}</p>
      <h1>{model.heading}</h1>
      <nav class="period-nav" aria-label={`Neighbouring ${model.kind === 'day' ? 'days' : `${model.kind}s`}`}>
        <Neighbour link={model.prev} rel="prev" />
        <Neighbour link={model.next} rel="next" />
      </nav>
    </header>
  );
}
