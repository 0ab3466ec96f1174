/** Picks the embedder the configuration asks for (PAPERBOY_EMBEDDER and the EMBEDDINGS_* settings). */
import type { Config } from '../config.js';
import type { Embedder } from './embedder.js';
import { OnnxEmbedder } from './embedders/onnx.js';
import { OpenAiEmbedder } from './embedders/openai.js';

/** Builds the configured embedder, or null for keyword-only search. Errors say which setting to check. */
export async function createEmbedder(config: Config, log: (msg: string) => void = () => {}): Promise<Embedder | null> {
  switch (config.embedder) {
    case 'none':
      return null;
    case 'openai':
      return OpenAiEmbedder.connect({ url: config.embeddingsUrl!, model: config.embeddingsModel!, apiKey: config.embeddingsApiKey ?? undefined });
    case 'onnx':
      // transformers.js (an optional dependency) is imported only here, when asked for.
      return OnnxEmbedder.load({ folder: config.embeddingsModelPath!, pooling: config.embeddingsPooling });
    case 'default': {
      // Loaded by path so a checkout without the shipped model still starts (keyword-only) instead of failing.
      const entry = new URL('./embedders/default.js', import.meta.url).href;
      try {
        const mod = (await import(entry)) as { createDefaultEmbedder(): Promise<Embedder> };
        return await mod.createDefaultEmbedder();
      } catch (e) {
        log(`semantic search is off: the default embedder could not be loaded (${e instanceof Error ? e.message : String(e)})`);
        return null;
      }
    }
  }
}
