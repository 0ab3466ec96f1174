/** Papers in the store of record. All SQL about papers lives here. */
import type SQLite from 'better-sqlite3';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { PreparedPaper } from '../domain/paper-hash.js';
import type { PaperInput } from '../domain/paper.js';
import type { Database, PapersTable } from './schema.js';

/** A stored paper, as the rest of the system sees it. */
export interface PaperRecord extends Omit<PaperInput, 'feed'> {
  primaryCategory: string | null;
  createdAt: string;
  modifiedAt: string;
}

/** What an import needs to know about a stored paper to decide added / updated / unchanged. */
export interface PaperState {
  contentHash: string;
  version: number | null;
  updated: string | null;
  published: string;
}

/** A paper ready to store: validated input plus its content hash. */
export type PaperWrite = PreparedPaper;

/** Rows per multi-row INSERT: stays under SQLite's and PostgreSQL's bound-parameter limits (20 columns a row). */
const INSERT_CHUNK_ROWS = 500;
/** Ids per `IN (...)` lookup. */
const LOOKUP_CHUNK = 900;

export function toPaperRecord(r: Selectable<PapersTable>): PaperRecord {
  return {
    id: r.id,
    title: r.title,
    abstract: r.abstract,
    authors: JSON.parse(r.authors) as string[],
    categories: JSON.parse(r.categories) as string[],
    primaryCategory: r.primary_category,
    published: r.published,
    updated: r.updated,
    version: r.version,
    comment: r.comment,
    journalRef: r.journal_ref,
    doi: r.doi,
    links: { abs: r.abs_url, pdf: r.pdf_url, code: r.code_url, project: r.project_url },
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

function toRow(p: PaperWrite, now: string): Insertable<PapersTable> {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    categories: JSON.stringify(p.categories),
    primary_category: p.categories[0] ?? null,
    published: p.published,
    updated: p.updated,
    version: p.version,
    comment: p.comment,
    journal_ref: p.journalRef,
    doi: p.doi,
    abs_url: p.links.abs,
    pdf_url: p.links.pdf,
    code_url: p.links.code,
    project_url: p.links.project,
    content_hash: p.contentHash,
    created_at: now,
    modified_at: now,
  };
}

const PAPER_COLUMNS = [
  'id', 'title', 'abstract', 'authors', 'categories', 'primary_category', 'published', 'updated', 'version', 'comment',
  'journal_ref', 'doi', 'abs_url', 'pdf_url', 'code_url', 'project_url', 'content_hash', 'created_at', 'modified_at',
] as const satisfies ReadonlyArray<keyof PapersTable>;

/** One prepared INSERT per SQLite connection, reused for every paper of a bulk import. */
const sqliteInsert = new WeakMap<SQLite.Database, SQLite.Statement>();

export class PaperRepository {
  /**
   * @param sqlite the raw SQLite connection when the store is SQLite: bulk inserts reuse one prepared statement on it,
   *   which is several times cheaper than building and preparing a multi-row INSERT per batch
   *   (docs/decisions/004-sqlite-bulk-insert.md). Null on PostgreSQL.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite: SQLite.Database | null = null,
  ) {}

  async getById(id: string): Promise<PaperRecord | null> {
    const row = await this.db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toPaperRecord(row) : null;
  }

  /** Papers by id, in the order of `ids`; unknown ids are left out. */
  async getByIds(ids: readonly string[]): Promise<PaperRecord[]> {
    if (ids.length === 0) return [];
    const byId = new Map<string, PaperRecord>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.db.selectFrom('papers').selectAll().where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK)).execute();
      for (const r of rows) byId.set(r.id, toPaperRecord(r));
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Paper ids by DOI, compared case-insensitively (DOIs are). Keys are the lower-cased DOIs asked for; DOIs no paper
   * has are absent. No index on `lower(doi)`: an import looks up all of its DOIs in one scan per LOOKUP_CHUNK.
   */
  async idsByDoi(dois: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = [...new Set(dois.map((d) => d.toLowerCase()))];
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('papers')
        .select(['id', sql<string>`lower(doi)`.as('doi_key')])
        .where(sql<string>`lower(doi)`, 'in', wanted.slice(i, i + LOOKUP_CHUNK))
        .orderBy('id')
        .execute();
      for (const r of rows) if (!out.has(r.doi_key)) out.set(r.doi_key, r.id);
    }
    return out;
  }

  async states(ids: readonly string[]): Promise<Map<string, PaperState>> {
    const out = new Map<string, PaperState>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.db
        .selectFrom('papers')
        .select(['id', 'content_hash', 'version', 'updated', 'published'])
        .where('id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const r of rows) out.set(r.id, { contentHash: r.content_hash, version: r.version, updated: r.updated, published: r.published });
    }
    return out;
  }

  async insertMany(papers: readonly PaperWrite[], now: string): Promise<void> {
    if (this.sqlite) {
      let stmt = sqliteInsert.get(this.sqlite);
      if (!stmt) {
        stmt = this.sqlite.prepare(`insert into papers (${PAPER_COLUMNS.join(', ')}) values (${PAPER_COLUMNS.map((c) => `@${c}`).join(', ')})`);
        sqliteInsert.set(this.sqlite, stmt);
      }
      for (const p of papers) stmt.run(toRow(p, now));
      return;
    }
    for (let i = 0; i < papers.length; i += INSERT_CHUNK_ROWS) {
      const rows = papers.slice(i, i + INSERT_CHUNK_ROWS).map((p) => toRow(p, now));
      await this.db.insertInto('papers').values(rows).execute();
    }
  }

  /** Overwrites the stored fields of existing papers (keeps created_at). */
  async updateMany(papers: readonly PaperWrite[], now: string): Promise<void> {
    for (const p of papers) {
      const { id: _id, created_at: _created, ...fields } = toRow(p, now);
      await this.db.updateTable('papers').set(fields).where('id', '=', p.id).execute();
    }
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
