/**
 * An OpenAI-compatible `/v1/embeddings` endpoint as the embedder: Ollama, Text Embeddings Inference, vLLM, LocalAI or
 * OpenAI itself. Request: `{model, input: [texts]}`; response: `{data: [{index, embedding: number[]}]}`.
 */
import { type Embedder, normalize } from '../embedder.js';

export interface OpenAiEmbedderOptions {
  /** Base URL, e.g. http://127.0.0.1:11434 (Ollama) or http://127.0.0.1:8080 (TEI); `/v1/embeddings` is appended. */
  url: string;
  model: string;
  apiKey?: string | undefined;
  /** Texts per request. */
  batchSize?: number;
  timeoutMs?: number;
}

export class OpenAiEmbedder implements Embedder {
  private constructor(
    private readonly opts: Required<Omit<OpenAiEmbedderOptions, 'apiKey'>> & { apiKey?: string | undefined },
    readonly dimensions: number,
  ) {}

  get id(): string {
    return `openai-compatible:${this.opts.model}@${new URL(this.opts.url).host}:${this.dimensions}`;
  }

  /** Connects and learns the model's dimensions with one small request; fails with a message saying what to check. */
  static async connect(options: OpenAiEmbedderOptions): Promise<OpenAiEmbedder> {
    const opts = { batchSize: 64, timeoutMs: 60_000, ...options };
    const [probe] = await OpenAiEmbedder.request(opts, ['dimension probe']);
    return new OpenAiEmbedder(opts, probe!.length);
  }

  private static async request(opts: OpenAiEmbedderOptions & { timeoutMs: number }, input: readonly string[]): Promise<number[][]> {
    const endpoint = new URL('v1/embeddings', opts.url.endsWith('/') ? opts.url : `${opts.url}/`).toString();
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
        body: JSON.stringify({ model: opts.model, input }),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (e) {
      throw new Error(`the embeddings endpoint ${endpoint} cannot be reached (${e instanceof Error ? e.message : String(e)}); check EMBEDDINGS_URL and that the server runs`);
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`the embeddings endpoint ${endpoint} answered HTTP ${res.status}: ${text.slice(0, 200)}; check EMBEDDINGS_MODEL and EMBEDDINGS_API_KEY`);
    let body: { data?: Array<{ index?: number; embedding?: unknown }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`the embeddings endpoint ${endpoint} did not answer JSON`);
    }
    const data = body.data;
    if (!Array.isArray(data) || data.length !== input.length) throw new Error(`the embeddings endpoint ${endpoint} answered ${Array.isArray(data) ? data.length : 'no'} embeddings for ${input.length} texts`);
    const out: number[][] = new Array(input.length);
    data.forEach((d, i) => {
      const e = d.embedding;
      if (!Array.isArray(e) || e.some((x) => typeof x !== 'number')) throw new Error(`the embeddings endpoint ${endpoint} answered an embedding that is not a list of numbers`);
      out[typeof d.index === 'number' ? d.index : i] = e as number[];
    });
    return out;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.opts.batchSize) {
      // Empty strings are refused by some servers; a single space embeds as "nothing".
      const batch = texts.slice(i, i + this.opts.batchSize).map((t) => (t.trim() === '' ? ' ' : t));
      for (const e of await OpenAiEmbedder.request(this.opts, batch)) {
        if (e.length !== this.dimensions) throw new Error(`the embeddings endpoint changed dimensions (${this.dimensions} → ${e.length}); run paperboy reindex`);
        out.push(normalize(Float32Array.from(e)));
      }
    }
    return out;
  }
}
