/**
 * Writes a tiny BERT-like sentence-embedding model folder, laid out like an exported Hugging Face model (the Xenova/*
 * repositories, or `optimum-cli export onnx` plus an onnx/ folder), in pure TypeScript:
 *
 *   config.json            model_type "bert"
 *   tokenizer.json         a WordPiece tokenizer (BERT normaliser, pre-tokenizer and [CLS] … [SEP] template)
 *   tokenizer_config.json  BertTokenizer, lower case, 128 tokens at most
 *   onnx/model.onnx        input_ids, attention_mask, token_type_ids → last_hidden_state [batch, sequence, 32]
 *
 * The graph looks each token up in a fixed table (word + token type embeddings), then adds the masked mean of the
 * sequence to every position, a uniform "attention" layer, so the [CLS] position carries the sentence and CLS pooling
 * means something. Padding positions come out as zeros. The table is seeded: words of one topic share a direction
 * (cars and automobiles, galaxies and stars), function words are short vectors. Same options, same bytes.
 *
 * The ONNX file is protobuf, encoded here by hand: only the fields of onnx.proto that this graph needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gaussian, seededRandom } from '../../src/search/embedders/linalg.js';

export const TINY_MODEL_DIMENSIONS = 32;

/** Words of one topic share a direction in the table. */
export const TINY_MODEL_TOPICS: Record<string, string[]> = {
  vehicles: ['car', 'cars', 'automobile', 'automobiles', 'vehicle', 'vehicles', 'truck', 'trucks', 'road', 'street', 'traffic', 'driving', 'driver', 'autos', 'wheel'],
  speed: ['fast', 'faster', 'speedy', 'quick', 'quickly', 'rapid', 'rapidly', 'speed', 'slow', 'velocity'],
  astronomy: ['galaxy', 'galaxies', 'star', 'stars', 'stellar', 'telescope', 'cosmic', 'universe', 'planet', 'planets', 'morphology', 'redshift', 'sky', 'orbit'],
  learning: ['learning', 'learn', 'training', 'trained', 'network', 'networks', 'neural', 'model', 'models', 'generalization', 'generalize', 'overfitting', 'memorization', 'memorisation', 'grokking', 'transformer', 'transformers', 'meta', 'adaptation', 'delayed', 'gradient'],
  images: ['image', 'images', 'picture', 'pictures', 'vision', 'camera', 'cameras', 'pixel', 'pixels', 'photo', 'detect', 'detection', 'classifying', 'classification'],
  medicine: ['cell', 'cells', 'protein', 'proteins', 'gene', 'genes', 'brain', 'mri', 'patient', 'patients', 'clinical', 'disease', 'tumor'],
  cooking: ['cooking', 'recipe', 'recipes', 'bread', 'kitchen', 'soup', 'pasta', 'baking', 'oven', 'flour', 'cheese', 'tomato'],
  music: ['music', 'song', 'songs', 'melody', 'guitar', 'piano', 'rhythm', 'concert', 'chord', 'audio'],
};

const FUNCTION_WORDS = ['the', 'a', 'an', 'of', 'in', 'on', 'for', 'with', 'and', 'or', 'to', 'we', 'is', 'are', 'by', 'this', 'that', 'after', 'from', 'using', 'via', 'long', 'small', 'data', 'new', 'our', 'it', 'as', 'at', 'be'];
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const PUNCTUATION = [...'.,:;-()\'"?!/&+='];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const SUFFIXES = ['##s', '##es', '##ed', '##ing', '##ly', '##er', '##ers', '##ion', '##al', '##ness'];

/** The vocabulary in id order: special tokens first, as BERT's. */
export function tinyVocabulary(): string[] {
  const words = [...FUNCTION_WORDS, ...Object.values(TINY_MODEL_TOPICS).flat()];
  return [...SPECIAL, ...PUNCTUATION, ...'0123456789', ...LETTERS, ...LETTERS.map((l) => `##${l}`), ...SUFFIXES, ...new Set(words)];
}

export interface TinyModelOptions {
  /** Seed of the embedding table. */
  seed?: number;
  /** Which ONNX file to write under onnx/ (model.onnx, or model_quantized.onnx to test that layout); null for none. */
  onnxFile?: string | null;
}

/** Writes the model folder (created if missing) and returns its path. */
export function writeTinyOnnxModel(folder: string, options: TinyModelOptions = {}): string {
  const { seed = 42, onnxFile = 'model.onnx' } = options;
  const vocab = tinyVocabulary();
  const dims = TINY_MODEL_DIMENSIONS;
  fs.mkdirSync(folder, { recursive: true });

  const json = (name: string, value: unknown) => fs.writeFileSync(path.join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
  json('config.json', {
    _comment: 'A tiny test model written by test/helpers/tiny-onnx-model.ts: a lookup table and a mean layer, not a trained BERT.',
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: dims,
    vocab_size: vocab.length,
    type_vocab_size: 2,
    max_position_embeddings: 128,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: dims,
    pad_token_id: 0,
  });
  json('tokenizer.json', tokenizerJson(vocab));
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 128,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  });
  json('special_tokens_map.json', { pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]' });

  if (onnxFile) {
    fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'onnx', onnxFile), modelProto(embeddingTable(vocab, dims, seed), typeTable(dims, seed), vocab.length, dims));
  }
  return folder;
}

function tokenizerJson(vocab: string[]) {
  const id = (t: string) => vocab.indexOf(t);
  const special = (content: string) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/** [vocab, dims] row-major: topic words = topic direction + noise, function words and pieces short, [PAD] zero. */
function embeddingTable(vocab: string[], dims: number, seed: number): Float32Array {
  const normal = gaussian(seededRandom(seed));
  const randomUnit = () => {
    const v = Array.from({ length: dims }, normal);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const topicOf = new Map<string, number[]>();
  for (const words of Object.values(TINY_MODEL_TOPICS)) {
    const direction = randomUnit();
    for (const w of words) topicOf.set(w, direction);
  }
  const table = new Float32Array(vocab.length * dims);
  vocab.forEach((token, row) => {
    const noise = randomUnit();
    const topic = topicOf.get(token);
    const v = token === '[PAD]' ? noise.map(() => 0) : topic ? topic.map((t, i) => t + 0.45 * noise[i]!) : noise.map((x) => 0.15 * x);
    table.set(v, row * dims);
  });
  return table;
}

function typeTable(dims: number, seed: number): Float32Array {
  const normal = gaussian(seededRandom(seed + 1));
  return Float32Array.from({ length: 2 * dims }, () => 0.01 * normal());
}

// ---- ONNX protobuf, by hand. Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, …). ----

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
const concat = (parts: Field[]): Uint8Array => Buffer.concat(parts);
/** Wire type 0: an integer or enum. */
const int = (field: number, n: number | bigint): Field => Uint8Array.from([...varint((field << 3) | 0), ...varint(n)]);
/** Wire type 2: bytes, a string or a nested message. */
const bytes = (field: number, data: Uint8Array | string): Field => {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
};
const message = (field: number, ...parts: Field[]): Field => bytes(field, concat(parts));

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function tensor(field: number, name: string, dataType: number, dims: number[], raw: ArrayBufferView): Field {
  return message(field, ...dims.map((d) => int(1, d)), int(2, dataType), bytes(8, name), bytes(9, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)));
}

/** ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 → elem_type = 1, shape = 2 → dim = 1 → dim_value = 1 | dim_param = 2. */
function valueInfo(field: number, name: string, elemType: number, shape: Array<string | number>): Field {
  const dims = shape.map((d) => message(1, typeof d === 'number' ? int(1, d) : bytes(2, d)));
  return message(field, bytes(1, name), message(2, message(1, int(1, elemType), message(2, ...dims))));
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (AttributeProto: name = 1, i = 3, type = 20). */
function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, number> = {}): Field {
  return message(
    1,
    ...inputs.map((i) => bytes(1, i)),
    ...outputs.map((o) => bytes(2, o)),
    bytes(3, `${opType}_${outputs[0]}`),
    bytes(4, opType),
    ...Object.entries(attrs).map(([k, v]) => message(5, bytes(1, k), int(3, v), int(20, ATTRIBUTE_INT))),
  );
}

function modelProto(words: Float32Array, types: Float32Array, vocabSize: number, dims: number): Uint8Array {
  const graph = [
    // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
    node('Gather', ['word_embeddings', 'input_ids'], ['words']),
    node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types']),
    node('Add', ['words', 'types'], ['embeddings']),
    node('Cast', ['attention_mask'], ['mask'], { to: FLOAT }),
    node('Unsqueeze', ['mask', 'last_axis'], ['mask3']),
    node('Mul', ['embeddings', 'mask3'], ['masked']),
    node('ReduceSum', ['masked', 'sequence_axis'], ['total'], { keepdims: 1 }),
    node('ReduceSum', ['mask3', 'sequence_axis'], ['count'], { keepdims: 1 }),
    node('Max', ['count', 'one'], ['count_at_least_one']),
    node('Div', ['total', 'count_at_least_one'], ['context']),
    node('Add', ['embeddings', 'context'], ['contextual']),
    node('Mul', ['contextual', 'mask3'], ['last_hidden_state']),
    bytes(2, 'tiny-bert'),
    tensor(5, 'word_embeddings', FLOAT, [vocabSize, dims], words),
    tensor(5, 'token_type_embeddings', FLOAT, [2, dims], types),
    tensor(5, 'last_axis', INT64, [1], BigInt64Array.from([-1n])),
    tensor(5, 'sequence_axis', INT64, [1], BigInt64Array.from([1n])),
    tensor(5, 'one', FLOAT, [1], Float32Array.from([1])),
    valueInfo(11, 'input_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo(11, 'attention_mask', INT64, ['batch_size', 'sequence_length']),
    valueInfo(11, 'token_type_ids', INT64, ['batch_size', 'sequence_length']),
    valueInfo(12, 'last_hidden_state', FLOAT, ['batch_size', 'sequence_length', dims]),
  ];
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2).
  return concat([int(1, 8), bytes(2, 'paperboy tiny-onnx-model'), message(7, ...graph), message(8, bytes(1, ''), int(2, 14))]);
}
