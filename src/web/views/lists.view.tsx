/** Reading lists: the member's lists, and one list (the owner's view with editing, or the public view). */
import type { ReadingList } from '../../store/reading-list.repository.js';
import type { PaperCardModel } from '../presenters/paper.presenter.js';
import { CsrfField, FormError, PostButton } from './components/forms.js';
import { Tex } from './components/tex.js';
import { Layout } from './layout.js';

export function MyListsView({ lists, error }: { lists: ReadingList[]; error?: string }) {
  return (
    <Layout title="Your reading lists">
      <section class="form-page">
        <h1>Your reading lists</h1>
        {lists.length === 0 ? <p class="muted">No lists yet. Make one, then add papers from their pages.</p> : null}
        <ul class="plain-list">
          {lists.map((l) => (
            <li key={l.id}>
              <a href={`/lists/${l.id}`}>{l.name}</a> <span class="muted">
                · {l.size} {l.size === 1 ? 'paper' : 'papers'} · {l.public ? 'public' : 'private'}
              </span>
            </li>
          ))}
        </ul>
        <FormError message={error} />
        <form method="post" action="/lists" class="stacked-form">
          <CsrfField />
          <label for="new-list-name">New list</label>
          <input id="new-list-name" name="name" required maxlength={80} placeholder="e.g. Grokking reading group" />
          <button type="submit" class="primary-button">
            Create list
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function ListView({ list, cards, owner, ownerName, math }: { list: ReadingList; cards: PaperCardModel[]; owner: boolean; ownerName: string; math: boolean }) {
  const base = `/lists/${list.id}`;
  return (
    <Layout title={list.name} math={math}>
      <section>
        <p class="period-kind">Reading list</p>
        <h1>{list.name}</h1>
        <p class="muted">
          by <a href={`/users/${list.userId}`}>{ownerName}</a> · {cards.length} {cards.length === 1 ? 'paper' : 'papers'} · {list.public ? 'public: anyone with this address can read it' : 'private: only you see it'}
        </p>
        {list.description ? <p>{list.description}</p> : null}
        <p class="export-links">
          Export: <a href={`${base}.bib`}>BibTeX</a> · <a href={`${base}.ris`}>RIS</a>
        </p>
        {cards.length === 0 ? <p class="empty-state">No papers yet{owner ? ': add them from a paper page ("Save to a list").' : '.'}</p> : null}
        <ol class="list-items">
          {cards.map((c, i) => (
            <li key={c.id}>
              <a href={c.href}>
                <Tex html={c.titleHtml} />
              </a>
              <span class="muted">
                {' '}
                · {c.authors.join(', ')}
                {c.moreAuthors ? ` and ${c.moreAuthors} more` : ''} · {c.publishedLabel}
              </span>
              {owner ? (
                <span class="list-item-actions">
                  {i > 0 ? (
                    <PostButton action={`${base}/move`} fields={{ paperId: c.id, direction: 'up' }} class="link-button" label={`Move up: ${c.id}`}>
                      ↑
                    </PostButton>
                  ) : null}
                  {i < cards.length - 1 ? (
                    <PostButton action={`${base}/move`} fields={{ paperId: c.id, direction: 'down' }} class="link-button" label={`Move down: ${c.id}`}>
                      ↓
                    </PostButton>
                  ) : null}
                  <PostButton action={`${base}/remove`} fields={{ paperId: c.id }} class="link-button" label={`Remove ${c.id}`}>
                    Remove
                  </PostButton>
                </span>
              ) : null}
            </li>
          ))}
        </ol>
        {owner ? (
          <>
            <h2>Settings</h2>
            <form method="post" action={`${base}/edit`} class="stacked-form">
              <CsrfField />
              <label for="list-name">Name</label>
              <input id="list-name" name="name" required maxlength={80} value={list.name} />
              <label for="list-description">Description (optional)</label>
              <input id="list-description" name="description" maxlength={500} value={list.description ?? ''} />
              <label class="checkbox">
                <input type="checkbox" name="public" value="1" checked={list.public} /> Public: anyone with the address can read it, and it shows on your profile
              </label>
              <button type="submit" class="primary-button">
                Save
              </button>
            </form>
            <PostButton action={`${base}/delete`} class="danger-button">
              Delete this list
            </PostButton>
          </>
        ) : null}
      </section>
    </Layout>
  );
}

/** "Save to a list" on a paper page (signed in). */
export function SaveToList({ paperId, lists, holding }: { paperId: string; lists: ReadingList[]; holding: number[] }) {
  return (
    <form method="post" action="/lists/add" class="save-to-list">
      <CsrfField />
      <input type="hidden" name="paperId" value={paperId} />
      <label for="save-to-list">Save to a list</label>
      {lists.length > 0 ? (
        <select id="save-to-list" name="listId">
          {lists.map((l) => (
            <option key={l.id} value={String(l.id)}>
              {l.name}
              {holding.includes(l.id) ? ' ✓' : ''}
            </option>
          ))}
        </select>
      ) : (
        <input id="save-to-list" name="newList" maxlength={80} placeholder="New list name" required />
      )}
      <button type="submit" class="secondary-button">
        Save
      </button>
      <a href="/lists">Your lists</a>
    </form>
  );
}
