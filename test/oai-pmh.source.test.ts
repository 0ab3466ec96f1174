/**
 * OaiPmhSource against a real HTTP server replaying arXiv OAI-PMH responses recorded in 2015
 * (../shared/data/fixtures/oai-pmh-arxivraw); see test/helpers/replay-server.ts for how requests map to recordings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PoliteHttpClient } from '../src/ingest/http-client.js';
import { fetchOaiPage, fetchOaiRecord, OaiPmhError, OaiPmhSource, parseOaiPmh, splitAuthors, type OaiPmhSourceOptions } from '../src/ingest/oai-pmh.source.js';
import type { SourceItem } from '../src/ingest/source.js';
import { validatePaper, type PaperInput } from '../src/domain/paper.js';
import { OAI_DIR, oaiFinalPage, RECORDED_RESUMPTION_TOKEN, startReplayServer, type ReplayServer } from './helpers/replay-server.js';

let server: ReplayServer;
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const client = () => new PoliteHttpClient({ minIntervalMs: 0, backoffBaseMs: 10, maxBackoffMs: 50, retries: 3, timeoutMs: 5_000 });
const opts = () => ({ baseUrl: server.oaiUrl, http: client() });
const source = (o: OaiPmhSourceOptions = {}) => new OaiPmhSource({ ...opts(), ...o });

async function collect(src: OaiPmhSource): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of src.items()) out.push(item);
  return out;
}
const papers = (items: SourceItem[]): PaperInput[] => items.flatMap((i) => (i.kind === 'paper' ? [i.paper] : []));
const byId = (ps: PaperInput[], id: string) => ps.find((p) => p.id === id)!;

/**
 * One record in the `arXiv` metadata format. Not a recording (none is in the fixtures): written in the layout of
 * arXiv's OAI server template (github.com/arXiv/oaipmh, oaipmh/templates/record_formats.xml) with the metadata of
 * paper 0704.0001, abstract shortened.
 */
const ARXIV_FORMAT_PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<responseDate>2026-01-01T00:00:00Z</responseDate>
<request verb="ListRecords" metadataPrefix="arXiv" from="2007-04-01">https://oaipmh.arxiv.org/oai</request>
<ListRecords>
<record>
<header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-13</datestamp><setSpec>physics:hep-ph</setSpec></header>
<metadata>
<arXiv xmlns="http://arxiv.org/OAI/arXiv/" xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">
<id>0704.0001</id><created>2007-04-02</created><updated>2007-07-24</updated>
<authors><author><keyname>Balázs</keyname><forenames>C.</forenames></author><author><keyname>Berger</keyname><forenames>E. L.</forenames></author><author><keyname>Nadolsky</keyname><forenames>P. M.</forenames></author><author><keyname>Yuan</keyname><forenames>C. -P.</forenames></author></authors>
<title>Calculation of prompt diphoton production cross sections at Tevatron and
  LHC energies</title>
<categories>hep-ph</categories><comments>37 pages, 15 figures; published version</comments><report-no>ANL-HEP-PR-07-12</report-no>
<journal-ref>Phys.Rev.D76:013009,2007</journal-ref><doi>10.1103/PhysRevD.76.013009</doi>
<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>
<abstract>  A fully differential calculation in perturbative quantum chromodynamics is
presented for the production of massive photon pairs at hadron colliders.
</abstract>
</arXiv>
</metadata>
</record>
<resumptionToken/>
</ListRecords>
</OAI-PMH>`;

describe('OaiPmhSource: ListRecords (arXivRaw)', () => {
  it('follows the resumption token to the end of the list, skipping deleted records', async () => {
    const src = source({ from: '2014-10-01' });
    expect(src.description).toBe('oai-pmh metadataPrefix=arXivRaw from=2014-10-01');
    const items = await collect(src);
    expect(items.every((i) => i.kind === 'paper')).toBe(true);
    expect(papers(items).map((p) => p.id)).toEqual(['0704.0471', '0704.0716', '0704.0874', '0704.1109', '0704.1114', '0704.1586', '1302.2146']);
    expect(server.requests.map((r) => Object.fromEntries(r.params))).toEqual([
      { verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: '2014-10-01' },
      { verb: 'ListRecords', resumptionToken: RECORDED_RESUMPTION_TOKEN },
    ]);
    expect(src.size).toEqual({ unit: 'records', total: 58011 });
    expect(src.progress()).toBe(8); // seven papers and one deleted record
    expect(items[0]!.where).toBe(`${server.oaiUrl}?verb=ListRecords&metadataPrefix=arXivRaw&from=2014-10-01 record 1 (oai:arXiv.org:0704.0471)`);
  });

  it('parses arXivRaw records with exact values', async () => {
    const ps = papers(await collect(source()));
    expect(byId(ps, '0704.0471')).toEqual({
      id: '0704.0471',
      title: 'Density dependence of the symmetry energy and the nuclear equation of state: A Dynamical and Statistical model perspective',
      abstract: expect.stringMatching(/^The density dependence of the symmetry energy in the equation of state of isospin .* an extremely " stiff " and " soft " form .* nuclear physics studies\.$/),
      authors: ['D.V. Shetty', 'S.J. Yennello', 'G.A. Souliotis'],
      categories: ['nucl-ex', 'nucl-th'],
      published: '2007-04-03',
      updated: '2007-04-03',
      version: 1,
      comment: '16 pages, 14 figures',
      journalRef: 'Phys.Rev.C76:024606,2007; Erratum-ibid.C76:039902,2007',
      doi: '10.1103/PhysRevC.76.024606',
      links: { abs: 'https://arxiv.org/abs/0704.0471', pdf: 'https://arxiv.org/pdf/0704.0471', code: null, project: null },
      feed: null,
    });
    const richard = byId(ps, '0704.0716');
    expect([richard.version, richard.published, richard.updated]).toEqual([4, '2007-04-05', '2008-11-14']);
    expect(richard.categories).toEqual(['math-ph', 'math.MP']);
    expect(richard.doi).toBeNull();
    expect(richard.journalRef).toBe('Polygons, polyominoes and polycubes, 247-299, Lecture Notes in Phys., 775, Springer, Dordrecht, 2009');
    expect(byId(ps, '0704.0874').updated).toBe('2014-11-20');
    expect(byId(ps, '0704.1109').authors).toEqual(['Valeria M. Rosa', 'Patricio S. letelier']);
    expect(byId(ps, '0704.1586').title).toBe('Core excitation in the elastic scattering and breakup of $^{11}$Be on protons');
    const berger = byId(ps, '1302.2146');
    expect(berger.authors).toEqual(['Joshua Berger', 'Maxim Perelstein', 'Michael Saelim', 'Philip Tanedo']);
    expect([berger.version, berger.published, berger.updated]).toEqual([2, '2013-02-08', '2013-04-02']);
    expect(berger.categories).toEqual(['hep-ph', 'hep-ex']);
    expect(ps.every((p) => validatePaper(p).ok)).toBe(true);
  });

  it('yields nothing for noRecordsMatch', async () => {
    expect(await collect(source({ set: 'moo' }))).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops when the server repeats a resumption token', async () => {
    const firstPage = readFileSync(join(OAI_DIR, 'ListRecordsResponse.xml'), 'utf8');
    server.route('/oai', { verb: 'ListRecords', resumptionToken: RECORDED_RESUMPTION_TOKEN }, { status: 200, body: firstPage });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const item of source().items()) if (item.kind === 'paper') seen.push(item.paper.id);
    })().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/repeated resumptionToken "726959\|1001"/);
    expect(seen).toHaveLength(12);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a 503 (OAI-PMH flow control) and then succeeds', async () => {
    server.failNext(1, { status: 503, headers: { 'Retry-After': '0' } });
    expect(papers(await collect(source()))).toHaveLength(7);
    expect(server.requests).toHaveLength(3);
  });

  it('spaces requests by the minimum interval', async () => {
    const src = new OaiPmhSource({ baseUrl: server.oaiUrl, http: new PoliteHttpClient({ minIntervalMs: 200 }) });
    await collect(src);
    expect(server.gaps()).toHaveLength(1);
    expect(server.gaps()[0]).toBeGreaterThanOrEqual(200);
  });

  it('rejects bad options before any request', () => {
    expect(() => source({ from: '2014-13-01' })).toThrow(/from must be a date written YYYY-MM-DD/);
    expect(() => source({ from: '2015-01-02', until: '2015-01-01' })).toThrow(/from \(2015-01-02\) is after until/);
  });
});

describe('OAI-PMH errors', () => {
  async function oaiError(run: () => Promise<unknown>): Promise<OaiPmhError> {
    const err = await run().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(OaiPmhError);
    return err as OaiPmhError;
  }

  it('badArgument', async () => {
    const err = await oaiError(() => fetchOaiPage({ verb: 'ListRecords', metadataPrefix: 'arXivRaw', identifier: 'oai:arXiv.org:1302.2146' }, opts()));
    expect(err.code).toBe('badArgument');
    expect(err.oaiMessage).toBe("Verb 'ListRecords', illegal argument 'identifier'.");
    expect(err.message).toContain('answered badArgument');
    expect(err.message).toContain('Check from/until');
  });

  it('badResumptionToken', async () => {
    const err = await oaiError(() => fetchOaiPage({ verb: 'ListRecords', resumptionToken: '3' }, opts()));
    expect(err.code).toBe('badResumptionToken');
    expect(err.oaiMessage).toBe('The resumptionToken supplied is illegal for this repository');
  });

  it('badVerb', async () => {
    const err = await oaiError(() => fetchOaiPage({ verb: 'Bogus' }, opts()));
    expect(err.code).toBe('badVerb');
    expect(err.oaiMessage).toBe("Bad verb. Verb 'wah' not implemented.");
  });

  it('idDoesNotExist', async () => {
    const err = await oaiError(() => fetchOaiRecord('0813.2274', opts()));
    expect(err.code).toBe('idDoesNotExist');
    expect(err.oaiMessage).toContain("Identifier 'oai:arXiv.org:0813.2274' has correct form but does not correspond");
    expect(server.requests[0]!.params.get('identifier')).toBe('oai:arXiv.org:0813.2274');
  });
});

describe('GetRecord and parsing', () => {
  it('fetches one record', async () => {
    const item = await fetchOaiRecord('1302.2146', opts());
    expect(item?.kind).toBe('paper');
    if (item?.kind !== 'paper') return;
    expect(item.paper.title).toBe('The Same-Sign Dilepton Signature of RPV/MFV SUSY');
    expect(item.paper.comment).toBe('18 pages, 6 figures; v2: References added');
    expect(item.paper.version).toBe(2);
  });

  it('parses the arXiv metadata format, through the source', async () => {
    server.route('/oai', { verb: 'ListRecords', metadataPrefix: 'arXiv', from: '2007-04-01' }, { status: 200, body: ARXIV_FORMAT_PAGE });
    const [p] = papers(await collect(source({ metadataPrefix: 'arXiv', from: '2007-04-01' })));
    expect(p).toEqual({
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: 'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders.',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      categories: ['hep-ph'],
      published: '2007-04-02',
      updated: '2007-07-24',
      version: null,
      comment: '37 pages, 15 figures; published version',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      links: { abs: 'https://arxiv.org/abs/0704.0001', pdf: 'https://arxiv.org/pdf/0704.0001', code: null, project: null },
      feed: null,
    });
    expect(server.requests).toHaveLength(1); // the empty <resumptionToken/> ends the list
  });

  it('counts deleted records and reads an empty token as the end', () => {
    const page = parseOaiPmh(oaiFinalPage(), 'final');
    expect(page.deleted).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.resumptionToken).toBeNull();
  });

  it('rejects a record it cannot read, with where and why', () => {
    const xml = readFileSync(join(OAI_DIR, 'GetRecordResponse.xml'), 'utf8').replace(/<version version="v1">[\s\S]*?<\/version>/, '').replace(/<version version="v2">[\s\S]*?<\/version>/, '');
    expect(parseOaiPmh(xml, 'u').items).toEqual([
      { kind: 'rejected', where: 'u record 1 (oai:arXiv.org:1302.2146)', reason: '1302.2146: no readable v1 date in the version list' },
    ]);
  });

  it('splits arXivRaw author strings', () => {
    expect(splitAuthors('D.V. Shetty, S.J. Yennello, and G.A. Souliotis')).toEqual(['D.V. Shetty', 'S.J. Yennello', 'G.A. Souliotis']);
    expect(splitAuthors('Joshua Berger, Maxim Perelstein, Michael Saelim and Philip Tanedo')).toEqual(['Joshua Berger', 'Maxim Perelstein', 'Michael Saelim', 'Philip Tanedo']);
    expect(splitAuthors('A. Gould (Ohio State, Columbus), S. Dorsher (Ohio State) and B. S. Gaudi (CfA)')).toEqual(['A. Gould', 'S. Dorsher', 'B. S. Gaudi']);
    expect(splitAuthors('Sam Alexander, John Smith, Jr., and Ann Anderson')).toEqual(['Sam Alexander', 'John Smith, Jr.', 'Ann Anderson']);
    expect(splitAuthors('T. S. Barman')).toEqual(['T. S. Barman']);
  });
});
