/**
 * A real HTTP server on 127.0.0.1 that replays arXiv responses recorded in ../shared/data/fixtures, so ingest sources
 * are tested over real sockets with real fetch (no mocks). Routes:
 * - `/api/query`: the arXiv export API. A request is answered with the recording (current_2026_recorded_json/*.json)
 *   whose URL has the same query parameters, order-insensitive. Empty parameters (`search_query=` on id lookups,
 *   `id_list=` on searches) are treated as absent, as arXiv does.
 * - `/oai`: arXiv OAI-PMH, mapped onto the oai-pmh-arxivraw/*.xml recordings (see `oaiAnswer`). OAI errors are served
 *   with HTTP 200, as arXiv does.
 * Anything else is a 404. Tests can script failures (`failNext`), add answers (`route`) and read every request's
 * arrival time (`requests`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recordings live beside the repository (`../shared/data/fixtures`); PAPERBOY_FIXTURES_DIR overrides. */
export const FIXTURES_DIR = process.env.PAPERBOY_FIXTURES_DIR ?? fileURLToPath(new URL('../../../shared/data/fixtures/', import.meta.url));
export const API_RECORDINGS_DIR = join(FIXTURES_DIR, 'arxiv-api/current_2026_recorded_json');
export const OAI_DIR = join(FIXTURES_DIR, 'oai-pmh-arxivraw');

/** The resumption token recorded in ListRecordsResponse.xml. */
export const RECORDED_RESUMPTION_TOKEN = '726959|1001';

export interface RecordedRequest {
  /** Path and query as received. */
  url: string;
  path: string;
  params: URLSearchParams;
  userAgent: string | undefined;
  /** performance.now() when the request arrived (same clock as PoliteHttpClient's spacing). */
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (to exercise client timeouts). */
  delayMs?: number;
}

interface Recording {
  params: Map<string, string>;
  status: number;
  body: string;
}

/** Query parameters without empty values, as a map (last value wins, as arXiv reads them). */
function normalize(params: URLSearchParams): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of params) if (v !== '') m.set(k, v);
  return m;
}

function sameParams(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function loadApiRecordings(): Recording[] {
  return readdirSync(API_RECORDINGS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const r = JSON.parse(readFileSync(join(API_RECORDINGS_DIR, f), 'utf8')) as { url: string; status_code: number; body: string };
      return { params: normalize(new URL(r.url).searchParams), status: r.status_code, body: r.body };
    });
}

const oaiFile = (name: string) => readFileSync(join(OAI_DIR, name), 'utf8');

/**
 * The page served for the recorded resumption token. Not a recording (the 2015 harvest stopped after one page): it is
 * GetRecordResponse.xml's record re-wrapped as ListRecords, plus one record whose header says status="deleted" (the
 * shape OAI-PMH 2.0 §2.5.1 gives deleted records), ending with an empty <resumptionToken/> (the end of the list,
 * as arXiv's OAI server writes it).
 */
export function oaiFinalPage(): string {
  const getRecord = oaiFile('GetRecordResponse.xml');
  const record = /<record>[\s\S]*<\/record>/.exec(getRecord)![0];
  const deleted = '<record>\n<header status="deleted">\n <identifier>oai:arXiv.org:0704.0002</identifier>\n <datestamp>2015-01-05</datestamp>\n</header>\n</record>';
  return getRecord
    .replace(/<request [^>]*>/, `<request verb="ListRecords" resumptionToken="${RECORDED_RESUMPTION_TOKEN}">`)
    .replace(/<GetRecord>[\s\S]*<\/GetRecord>/, `<ListRecords>\n${record}\n${deleted}\n<resumptionToken cursor="6" completeListSize="58011"/>\n</ListRecords>`);
}

const OAI_VERBS = new Set(['Identify', 'ListMetadataFormats', 'ListSets', 'ListIdentifiers', 'ListRecords', 'GetRecord']);
const LIST_ARGS = new Set(['verb', 'metadataPrefix', 'from', 'until', 'set']);

/**
 * Maps an OAI-PMH request onto a recording:
 * - unknown verb -> ErrorResponseBadVerb.xml
 * - GetRecord for oai:arXiv.org:1302.2146 -> GetRecordResponse.xml; any other identifier -> ErrorResponseIdDoesNotExist.xml
 * - ListRecords with the recorded token -> oaiFinalPage(); another token -> ErrorResponseBadResumptionToken.xml;
 *   a token with other arguments, an unknown argument (e.g. identifier) or no metadataPrefix -> ErrorResponseBadArgument.xml
 * - ListRecords with a set -> ErrorResponseNoRecordsMatch.xml (the recorded set=moo answer)
 * - ListRecords metadataPrefix=arXivRaw (any from/until) -> ListRecordsResponse.xml
 * Anything else (other verbs, other formats) was not recorded: null (404).
 */
function oaiAnswer(params: URLSearchParams): string | null {
  const verb = params.get('verb') ?? '';
  if (!OAI_VERBS.has(verb)) return oaiFile('ErrorResponseBadVerb.xml');
  if (verb === 'GetRecord') {
    if (params.get('metadataPrefix') !== 'arXivRaw') return null;
    return params.get('identifier') === 'oai:arXiv.org:1302.2146' ? oaiFile('GetRecordResponse.xml') : oaiFile('ErrorResponseIdDoesNotExist.xml');
  }
  if (verb !== 'ListRecords') return null;
  const token = params.get('resumptionToken');
  if (token !== null) {
    if ([...params.keys()].some((k) => k !== 'verb' && k !== 'resumptionToken')) return oaiFile('ErrorResponseBadArgument.xml');
    return token === RECORDED_RESUMPTION_TOKEN ? oaiFinalPage() : oaiFile('ErrorResponseBadResumptionToken.xml');
  }
  if ([...params.keys()].some((k) => !LIST_ARGS.has(k)) || !params.get('metadataPrefix')) return oaiFile('ErrorResponseBadArgument.xml');
  if (params.has('set')) return oaiFile('ErrorResponseNoRecordsMatch.xml');
  return params.get('metadataPrefix') === 'arXivRaw' ? oaiFile('ListRecordsResponse.xml') : null;
}

/** A running replay server. Create with `startReplayServer()`, stop with `close()`. */
export class ReplayServer {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private readonly recordings = loadApiRecordings();
  private readonly extraRoutes: { path: string; params: Map<string, string>; answer: ScriptedAnswer }[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private server: Server | null = null;
  private port = 0;

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Base URL for ArxivApiSource. */
  get apiUrl(): string {
    return `${this.origin}/api/query`;
  }

  /** Base URL for OaiPmhSource. */
  get oaiUrl(): string {
    return `${this.origin}/oai`;
  }

  /** The next `count` requests, whatever they ask, get `answer` instead of their recording. */
  failNext(count: number, answer: ScriptedAnswer): void {
    for (let i = 0; i < count; i += 1) this.script.push(answer);
  }

  /** Answers requests to `path` whose parameters equal `params` (order-insensitive, empty values ignored). */
  route(path: string, params: Record<string, string>, answer: ScriptedAnswer): void {
    this.extraRoutes.push({ path, params: normalize(new URLSearchParams(params)), answer });
  }

  /** Forgets recorded requests, scripted failures and added routes (call between tests). */
  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
    this.extraRoutes.length = 0;
  }

  /** Gaps in ms between consecutive request arrivals. */
  gaps(): number[] {
    return this.requests.slice(1).map((r, i) => r.at - this.requests[i]!.at);
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    // fetch keeps connections alive; drop them so close() does not wait for their idle timeout.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push({ url: req.url ?? '/', path: url.pathname, params: url.searchParams, userAgent: req.headers['user-agent'], at });
    const answer = this.script.shift() ?? this.answerFor(url);
    const send = () => {
      if (res.destroyed) return; // the client gave up (timeout test)
      res.writeHead(answer.status, { 'Content-Type': 'application/xml; charset=utf-8', ...answer.headers });
      res.end(answer.body ?? '');
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  }

  private answerFor(url: URL): ScriptedAnswer {
    const params = normalize(url.searchParams);
    const extra = this.extraRoutes.find((r) => r.path === url.pathname && sameParams(r.params, params));
    if (extra) return extra.answer;
    if (url.pathname === '/api/query') {
      const rec = this.recordings.find((r) => sameParams(r.params, params));
      if (rec) return { status: rec.status, body: rec.body, headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } };
    }
    if (url.pathname === '/oai') {
      const body = oaiAnswer(url.searchParams);
      if (body !== null) return { status: 200, body, headers: { 'Content-Type': 'text/xml; charset=utf-8' } };
    }
    return { status: 404, body: `no recording for ${url.pathname}${url.search}`, headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  }
}

/** Starts a replay server on 127.0.0.1 with an ephemeral port. */
export async function startReplayServer(): Promise<ReplayServer> {
  return new ReplayServer().listen();
}
