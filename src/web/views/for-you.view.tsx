/** "For you": recent papers picked from what the member upvoted and saved, each with its reason. */
import type { PaperCardModel } from '../presenters/paper.presenter.js';
import { PaperCard } from './components/paper-card.js';
import { Layout } from './layout.js';

export function ForYouView({ items, math }: { items: Array<{ card: PaperCardModel; reason: string }> | null; math: boolean }) {
  return (
    <Layout title="For you" math={math} scripts={['/static/app.js']}>
      <header class="period-header">
        <p class="period-kind">For you</p>
        <h1>Papers for you</h1>
        <p class="muted">Recent papers close to what you upvoted and saved to your reading lists.</p>
      </header>
      {items === null ? (
        <p class="empty-state">
          Nothing to go on yet: upvote a few papers or save them to a <a href="/lists">reading list</a>, and this page fills with papers like them.
        </p>
      ) : items.length === 0 ? (
        <p class="empty-state">No recent papers are close to what you liked. Come back after the next announcement.</p>
      ) : (
        <ol class="paper-list">
          {items.map(({ card, reason }, i) => (
            <li key={card.id}>
              <PaperCard card={card} rank={i + 1} />
              <p class="reason muted">{reason}</p>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}
