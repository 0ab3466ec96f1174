import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, databaseTarget, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('needs nothing: SQLite under ./data, port 3000, demo on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, dataDir: path.resolve('data'), databaseUrl: null, demo: true, arxivIntervalMs: 3000 });
    expect(databaseTarget(c)).toEqual({ dialect: 'sqlite', file: path.resolve('data', 'paperboy.db') });
  });

  it('reads the documented variables, with flags winning over the environment', () => {
    const c = loadConfig(
      { PORT: '8080', PAPERBOY_DATA: '/tmp/pb', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', PAPERBOY_DEMO: '0' },
      { PORT: '9090' },
    );
    expect(c).toMatchObject({ port: 9090, dataDir: '/tmp/pb', demo: false });
    expect(databaseTarget(c)).toEqual({ dialect: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db' });
  });

  it('needs a URL and a model for an OpenAI-compatible embedder', () => {
    expect(() => loadConfig({ PAPERBOY_EMBEDDER: 'openai' })).toThrow(
      /EMBEDDINGS_URL="": required with PAPERBOY_EMBEDDER=openai[\s\S]*EMBEDDINGS_MODEL="": required with PAPERBOY_EMBEDDER=openai/,
    );
    expect(loadConfig({ PAPERBOY_EMBEDDER: 'openai', EMBEDDINGS_URL: 'http://127.0.0.1:11434', EMBEDDINGS_MODEL: 'nomic-embed-text' })).toMatchObject({
      embedder: 'openai',
      embeddingsUrl: 'http://127.0.0.1:11434',
      embeddingsModel: 'nomic-embed-text',
    });
    expect(() => loadConfig({ PAPERBOY_EMBEDDER: 'bert' })).toThrow('PAPERBOY_EMBEDDER="bert": expected default, openai, onnx or none');
  });

  it('needs a model folder for a local ONNX embedder; pooling is mean unless cls is asked for', () => {
    expect(() => loadConfig({ PAPERBOY_EMBEDDER: 'onnx' })).toThrow(
      'EMBEDDINGS_MODEL_PATH="": required with PAPERBOY_EMBEDDER=onnx: the model folder, e.g. ./models/all-MiniLM-L6-v2 (config.json, tokenizer.json, onnx/model.onnx)',
    );
    expect(loadConfig({ PAPERBOY_EMBEDDER: 'onnx', EMBEDDINGS_MODEL_PATH: 'models/all-MiniLM-L6-v2' })).toMatchObject({
      embedder: 'onnx',
      embeddingsModelPath: path.resolve('models/all-MiniLM-L6-v2'),
      embeddingsPooling: 'mean',
    });
    expect(loadConfig({ PAPERBOY_EMBEDDER: 'onnx', EMBEDDINGS_MODEL_PATH: '/srv/bge-small-en-v1.5', EMBEDDINGS_POOLING: 'cls' })).toMatchObject({
      embeddingsModelPath: '/srv/bge-small-en-v1.5',
      embeddingsPooling: 'cls',
    });
    expect(() => loadConfig({ PAPERBOY_EMBEDDER: 'onnx', EMBEDDINGS_MODEL_PATH: '/srv/m', EMBEDDINGS_POOLING: 'max' })).toThrow(
      'EMBEDDINGS_POOLING="max": expected mean (sentence-transformers models) or cls (bge models)',
    );
    // The folder is only required for onnx.
    expect(loadConfig({}).embeddingsModelPath).toBeNull();
  });

  it('lists every bad value at once, with what is expected', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', PAPERBOY_DEMO: 'maybe', DATABASE_URL: 'mysql://x', ARXIV_INTERVAL_MS: '-1', ARXIV_API_URL: 'ftp://example.org/api', TRUST_PROXY: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT="70000": expected a port number 0–65535',
      'DATABASE_URL="mysql://x": expected postgres://user:password@host:port/db, sqlite:path/to/file.db, or nothing for SQLite in the data folder',
      'PAPERBOY_DEMO="maybe": expected 0 or 1 (or true/false)',
      'ARXIV_INTERVAL_MS="-1": expected milliseconds ≥ 0',
      'ARXIV_API_URL="ftp://example.org/api": expected an http(s) URL',
      'TRUST_PROXY="yes": expected 0/false, 1/true, or the number of proxies in front (e.g. 1)',
    ]);
  });
});
