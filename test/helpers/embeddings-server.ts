/**
 * A real HTTP server speaking the OpenAI `/v1/embeddings` protocol, with a tiny deterministic "model": each word maps
 * to a concept (synonyms share one), and a text's vector counts its concepts. Enough to tell meaning from spelling.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const CONCEPTS: Record<string, number> = {
  car: 0, automobile: 0, vehicle: 0, cars: 0,
  fast: 1, quick: 1, rapid: 1, speedy: 1,
  learning: 2, training: 2, learn: 2,
  delayed: 3, late: 3, sudden: 3, grokking: 3,
  memorising: 4, memorization: 4, memorisation: 4, overfitting: 4,
  galaxy: 5, galaxies: 5, stars: 5,
};
export const EMBEDDING_DIMENSIONS = 8;

export function toyEmbedding(text: string): number[] {
  const v = new Array(EMBEDDING_DIMENSIONS).fill(0);
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const c = CONCEPTS[w];
    v[c ?? 7] += c === undefined ? 0.1 : 1;
  }
  return v;
}

export interface EmbeddingsServer {
  url: string;
  requests: Array<{ model: string; input: string[]; auth: string | undefined }>;
  close(): Promise<void>;
}

export async function startEmbeddingsServer(opts: { failWith?: number } = {}): Promise<EmbeddingsServer> {
  const requests: EmbeddingsServer['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        res.writeHead(404).end();
        return;
      }
      if (opts.failWith) {
        res.writeHead(opts.failWith, { 'content-type': 'application/json' }).end('{"error":"model not found"}');
        return;
      }
      const { model, input } = JSON.parse(body) as { model: string; input: string[] };
      requests.push({ model, input, auth: req.headers.authorization });
      const data = input.map((t, index) => ({ object: 'embedding', index, embedding: toyEmbedding(t) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
