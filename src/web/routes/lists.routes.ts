/**
 * Reading lists on the web: the member's lists, one list (public or the owner's), editing, saving from a paper page or
 * any card, bulk import (pasted ids/DOIs or a .bib upload) and "more like these".
 */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { parsePaperId } from '../../domain/arxiv-id.js';
import { IMPORT_MAX_BYTES, type ImportResult, type ReadingListService } from '../../services/reading-list.service.js';
import { RuleError } from '../../services/rule-error.js';
import { memberName } from '../../store/account.repository.js';
import type { AppDeps, CommunityDeps } from '../app.js';
import { badRequest, notFound } from '../errors.js';
import { sendCitations, sendHtml } from '../page.js';
import { paperHref, presentCard } from '../presenters/paper.presenter.js';
import { ListSimilarView, ListView, MyListsView } from '../views/lists.view.js';
import { field, localPath } from './form-input.js';

/** Imports per member (or per address when signed out) per window. */
export const IMPORT_RATE = { max: 10, timeWindow: 60_000 };

/** Papers on a list's "More like these" page. */
const SIMILAR_ON_LIST_PAGE = 20;

function listId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound('There is no such list.');
  return Number(raw);
}

/** A .bib file uploaded with an import form (read by the multipart plugin before the CSRF check). */
interface Upload {
  data: Buffer;
  /** Longer than IMPORT_MAX_BYTES: cut short by the parser. */
  truncated: boolean;
}
const uploads = new WeakMap<FastifyRequest, Upload>();

async function readUpload(this: FastifyRequest, part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  if (part.fieldname !== 'file' || (part.filename === '' && chunks.length === 0)) return; // no file chosen
  uploads.set(this, { data: Buffer.concat(chunks), truncated: part.file.truncated });
}

/** The import form's text and file, as the texts to import (a file is read as UTF-8). */
function importTexts(req: FastifyRequest): string[] {
  const upload = uploads.get(req);
  const text = field(req, 'text') ?? '';
  if (upload?.truncated || Buffer.byteLength(text) > IMPORT_MAX_BYTES) {
    throw new RuleError('invalid', `An import can be at most ${IMPORT_MAX_BYTES / 1_048_576} MB; split the file.`);
  }
  const texts = [text, upload ? new TextDecoder('utf-8').decode(upload.data) : ''].filter((t) => t.trim() !== '');
  if (texts.length === 0) throw new RuleError('invalid', 'Paste arXiv ids, DOIs or BibTeX, or choose a .bib file.');
  return texts;
}

/** Imports the pasted text and the file, one after the other, as one result. */
async function importAll(lists: ReadingListService, req: FastifyRequest, id: number): Promise<ImportResult> {
  const total: ImportResult = { added: [], alreadyThere: [], unmatched: [], errors: [] };
  for (const text of importTexts(req)) {
    const r = await lists.importInto(req.user, id, text);
    total.added.push(...r.added);
    total.alreadyThere.push(...r.alreadyThere.filter((p) => !total.added.includes(p) && !total.alreadyThere.includes(p)));
    total.unmatched.push(...r.unmatched);
    total.errors.push(...r.errors);
  }
  return total;
}

function paperIdField(req: FastifyRequest): string {
  const parsed = parsePaperId(field(req, 'paperId') ?? '');
  if (!parsed) throw badRequest('Say which paper (paperId).');
  return parsed.id;
}

export async function listRoutes(app: FastifyInstance, deps: AppDeps, c: CommunityDeps): Promise<void> {
  const lists = c.readingLists;

  app.get('/lists', async (req, reply) => {
    if (!req.user) return reply.redirect('/auth/signin?next=%2Flists', 303);
    return sendHtml(req, reply, h(MyListsView, { lists: await lists.mine(req.user) }));
  });

  app.post('/lists', async (req, reply) => {
    try {
      const id = await lists.create(req.user, field(req, 'name'));
      return reply.redirect(`/lists/${id}`, 303);
    } catch (e) {
      if (!(e instanceof RuleError) || e.kind !== 'invalid' || !req.user) throw e;
      return sendHtml(req, reply, h(MyListsView, { lists: await lists.mine(req.user), error: e.message }), { status: 400 });
    }
  });

  // Save a paper from its page or from any card: into a chosen list, or a new one named in the same form. Back to
  // `next` (a card's page, at the card) when given, else to the paper page saying where it was saved.
  app.post('/lists/add', async (req, reply) => {
    const paperId = paperIdField(req);
    const newName = field(req, 'newList');
    let id: number;
    if (newName !== undefined) id = await lists.createWith(req.user, newName, paperId);
    else {
      id = listId(field(req, 'listId') ?? '');
      await lists.add(req.user, id, paperId);
    }
    const next = field(req, 'next');
    return reply.redirect(next !== undefined ? localPath(next, paperHref(paperId)) : `${paperHref(paperId)}?saved=${id}`, 303);
  });

  /** The list page for `req.user`, with an import's result or refusal when there is one. */
  async function listPage(req: FastifyRequest, reply: FastifyReply, id: number, extra: { imported?: ImportResult; importError?: string; status?: number } = {}) {
    const view = await lists.view(req.user ?? null, id);
    if (!view) throw notFound('There is no such list, or it is private.');
    const cards = view.papers.map((paper) => presentCard({ paper, feedDate: paper.published, submittedBy: null, upvotes: 0, numComments: 0 }));
    const owner = await c.store.accounts.userById(view.list.userId);
    const math = cards.some((card) => card.math);
    return sendHtml(
      req,
      reply,
      h(ListView, {
        list: view.list,
        cards,
        owner: view.owner,
        ownerName: memberName(owner ?? { id: view.list.userId, displayName: null }),
        math,
        imported: extra.imported,
        importError: extra.importError,
        importMaxMb: IMPORT_MAX_BYTES / 1_048_576,
      }),
      // A private list is the owner's page only; a public one may be cached like other pages.
      { math, status: extra.status, cacheControl: view.list.public && !extra.imported ? undefined : 'private, no-cache' },
    );
  }

  app.get<{ Params: { id: string } }>('/lists/:id', async (req, reply) => {
    const exported = /^(\d{1,15})\.(bib|ris)$/.exec(req.params.id);
    if (!exported) return listPage(req, reply, listId(req.params.id));
    const view = await lists.view(req.user ?? null, listId(exported[1]!));
    if (!view) throw notFound('There is no such list, or it is private.');
    return sendCitations(reply, exported[2] as 'bib' | 'ris', view.papers, `paperboy-list-${view.list.id}`);
  });

  // "More like these": papers close to the list's, for whoever may see the list.
  app.get<{ Params: { id: string } }>('/lists/:id/similar', async (req, reply) => {
    const view = await lists.view(req.user ?? null, listId(req.params.id));
    if (!view) throw notFound('There is no such list, or it is private.');
    const hits = deps.search ? await deps.search.similarToMany(view.papers.map((p) => p.id), SIMILAR_ON_LIST_PAGE) : [];
    const items = hits.map((hit) => ({ card: presentCard(hit), reason: hit.reason }));
    const math = items.some((i) => i.card.math);
    return sendHtml(req, reply, h(ListSimilarView, { list: view.list, items, math, available: deps.search !== undefined }), {
      math,
      paperIds: items.map((i) => i.card.id),
      store: c.store,
      cacheControl: view.list.public ? undefined : 'private, no-cache',
    });
  });

  // Bulk import: pasted ids/DOIs/BibTeX and/or an uploaded .bib file. The form is multipart (a real upload works
  // without JavaScript); the plugin reads it before the CSRF check, which needs the form's _csrf field. Only this route
  // reads multipart bodies (in a scope of its own): the other forms post at most the 1 MB urlencoded body, and were
  // reading up to 11 MB (ten 1 MB fields and a file) from anyone before refusing them.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      onFile: readUpload,
      throwFileSizeLimit: false,
      // One more byte than allowed, so an over-long text is seen as such instead of being silently cut to size. The
      // form has two fields (_csrf, text) and a file.
      limits: { fileSize: IMPORT_MAX_BYTES, fieldSize: IMPORT_MAX_BYTES + 1, files: 1, fields: 3, parts: 4 },
    });

    // Reading BibTeX costs ~1 ms of CPU an entry (a 1 MB file ~2 s: domain/references.ts), so imports have a limit of
    // their own, checked before the body is read.
    const importRate = { ...IMPORT_RATE, keyGenerator: (req: FastifyRequest) => (req.user ? `import:u${req.user.id}` : `import:${req.ip}`) };
    scope.post<{ Params: { id: string } }>('/lists/:id/import', { config: { rateLimit: importRate } }, async (req, reply) => {
      const id = listId(req.params.id);
      try {
        return await listPage(req, reply, id, { imported: await importAll(lists, req, id) });
      } catch (e) {
        if (!(e instanceof RuleError) || e.kind !== 'invalid') throw e;
        return listPage(req, reply, id, { importError: e.message, status: 400 });
      }
    });
  });

  app.post<{ Params: { id: string } }>('/lists/:id/edit', async (req, reply) => {
    const id = listId(req.params.id);
    await lists.update(req.user, id, { name: field(req, 'name'), description: field(req, 'description') ?? '', public: field(req, 'public') === '1' });
    return reply.redirect(`/lists/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/delete', async (req, reply) => {
    await lists.delete(req.user, listId(req.params.id));
    return reply.redirect('/lists', 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/remove', async (req, reply) => {
    const id = listId(req.params.id);
    await lists.remove(req.user, id, paperIdField(req));
    return reply.redirect(`/lists/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/lists/:id/move', async (req, reply) => {
    const id = listId(req.params.id);
    const direction = field(req, 'direction');
    if (direction !== 'up' && direction !== 'down') throw badRequest('direction must be up or down.');
    await lists.move(req.user, id, paperIdField(req), direction);
    return reply.redirect(`/lists/${id}`, 303);
  });
}
