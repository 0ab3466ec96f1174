/** Reading lists: the member's lists, and one list (the owner's view with editing, or the public view). */
import { feedLinks } from '../feeds.js';
import type { ImportResult } from '../../services/reading-list.service.js';
import type { ReadingList } from '../../store/reading-list.repository.js';
import { plural } from '../presenters/format.js';
import type { PaperCardModel } from '../presenters/paper.presenter.js';
import { EmptyState } from './components/empty-state.js';
import { CsrfField, FormError, FormOk, PostButton } from './components/forms.js';
import { PaperCard } from './components/paper-card.js';
import { Tex } from './components/tex.js';
import { Layout } from './layout.js';

export function MyListsView({ lists, error }: { lists: ReadingList[]; error?: string }) {
  return (
    <Layout title="Your reading lists">
      <section class="form-page">
        <h1>Your reading lists</h1>
        {lists.length === 0 ? (
          <EmptyState title="No reading lists yet">
            <p>Make one below, then add papers to it from their pages (“Save to a list”), or paste arXiv ids, DOIs or BibTeX into it.</p>
          </EmptyState>
        ) : null}
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

/** Unmatched references listed after an import; the rest are counted. */
export const UNMATCHED_SHOWN = 100;

/** What an import did: counts, BibTeX errors, and each reference that matched nothing with its reason. */
function ImportSummary({ result }: { result: ImportResult }) {
  const { added, alreadyThere, unmatched, errors } = result;
  return (
    <section class="import-summary" aria-labelledby="import-summary-heading">
      <h2 id="import-summary-heading">Import</h2>
      <FormOk>
        {plural(added.length, 'paper')} added, {alreadyThere.length} already in the list, {unmatched.length} not matched.
      </FormOk>
      {errors.length > 0 ? (
        <div class="form-error" role="alert">
          <p>Part of the BibTeX could not be read (the entries that could be read were imported):</p>
          <ul>
            {errors.slice(0, 20).map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {unmatched.length > 0 ? (
        <>
          <p>Not matched:</p>
          <ul class="import-unmatched">
            {unmatched.slice(0, UNMATCHED_SHOWN).map((u, i) => (
              <li key={i}>
                <code>{u.entry}</code> — {u.reason}
              </li>
            ))}
          </ul>
          {unmatched.length > UNMATCHED_SHOWN ? <p class="muted">…and {unmatched.length - UNMATCHED_SHOWN} more.</p> : null}
        </>
      ) : null}
    </section>
  );
}

/** The owner's bulk import: paste ids/DOIs/BibTeX or upload a .bib file (multipart, so it works without JavaScript). */
function ImportForm({ action, error, maxMb }: { action: string; error?: string | undefined; maxMb: number }) {
  return (
    <>
      <h2 id="import">Add papers in bulk</h2>
      <FormError message={error} />
      <form method="post" action={action} enctype="multipart/form-data" class="stacked-form import-form">
        <CsrfField />
        <label for="import-text">Paste arXiv ids, arXiv links or DOIs (any number a line), or BibTeX entries</label>
        <textarea id="import-text" name="text" rows={6} placeholder={'2501.01234v2\nhep-th/9901001\nhttps://arxiv.org/abs/2303.03340\n10.48550/arXiv.2502.04667'} />
        <label for="import-file">or choose a BibTeX file (.bib, at most {maxMb} MB)</label>
        <input id="import-file" type="file" name="file" accept=".bib,.bibtex,.txt,application/x-bibtex,text/plain" />
        <button type="submit" class="primary-button">
          Import into this list
        </button>
      </form>
    </>
  );
}

export function ListView({
  list,
  cards,
  owner,
  ownerName,
  math,
  imported,
  importError,
  importMaxMb = 1,
}: {
  list: ReadingList;
  cards: PaperCardModel[];
  owner: boolean;
  ownerName: string;
  math: boolean;
  imported?: ImportResult | undefined;
  importError?: string | undefined;
  importMaxMb?: number;
}) {
  const base = `/lists/${list.id}`;
  return (
    <Layout title={list.name} math={math} feeds={list.public ? feedLinks({ title: `Paperboy list: ${list.name}`, feedPath: `${base}/feed` }) : undefined}>
      <section>
        <p class="period-kind">Reading list</p>
        <h1>{list.name}</h1>
        <p class="muted">
          by <a href={`/users/${list.userId}`}>{ownerName}</a> · {cards.length} {cards.length === 1 ? 'paper' : 'papers'} · {list.public ? 'public: anyone with this address can read it' : 'private: only you see it'}
        </p>
        {list.description ? <p>{list.description}</p> : null}
        <p class="export-links">
          Export: <a href={`${base}.bib`}>BibTeX</a> · <a href={`${base}.ris`}>RIS</a>
          {cards.length > 0 ? (
            <>
              {' '}
              · <a href={`${base}/similar`}>More like these</a>
            </>
          ) : null}
        </p>
        {imported ? <ImportSummary result={imported} /> : null}
        {cards.length === 0 ? (
          <EmptyState
            title="No papers in this list yet"
            actions={owner ? [{ href: '/', label: 'Latest papers' }, { href: '/search', label: 'Search papers' }] : [{ href: '/', label: 'Latest papers' }]}
          >
            <p>{owner ? 'Add papers from their pages (“Save to a list”), or import arXiv ids, DOIs or a BibTeX file below.' : 'Its owner has not added any papers yet.'}</p>
          </EmptyState>
        ) : null}
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
            <ImportForm action={`${base}/import`} error={importError} maxMb={importMaxMb} />
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

/** "More like these": papers close to a list's papers, each with the list paper it is closest to. */
export function ListSimilarView({ list, items, math, available }: { list: ReadingList; items: Array<{ card: PaperCardModel; reason: string }>; math: boolean; available: boolean }) {
  return (
    <Layout title={`More like “${list.name}”`} math={math} scripts={['/static/app.js']}>
      <header class="period-header">
        <p class="period-kind">
          Reading list · <a href={`/lists/${list.id}`}>{list.name}</a>
        </p>
        <h1>More like these</h1>
        <p class="muted">Papers close to the {plural(list.size, 'paper')} of this list, not in it already.</p>
      </header>
      {!available ? (
        <EmptyState title="Similar papers are not available" actions={[{ href: `/lists/${list.id}`, label: 'Back to the list' }]}>
          <p>This server runs without a search index, so it cannot find similar papers.</p>
        </EmptyState>
      ) : list.size === 0 ? (
        <EmptyState title="Nothing to compare with" actions={[{ href: `/lists/${list.id}`, label: 'Back to the list' }, { href: '/', label: 'Latest papers' }]}>
          <p>This list is empty: add papers to it first.</p>
        </EmptyState>
      ) : items.length === 0 ? (
        <EmptyState title="No similar papers found" actions={[{ href: `/lists/${list.id}`, label: 'Back to the list' }, { href: '/search', label: 'Search papers' }]}>
          <p>No papers here are close to this list's papers.</p>
        </EmptyState>
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
