/**
 * Writes the tiny BERT-like ONNX model folder that test/onnx-embedder.test.ts uses (test/helpers/tiny-onnx-model.ts),
 * to try PAPERBOY_EMBEDDER=onnx without downloading a real model. Its vectors only know a few hundred words.
 *
 * Usage: node --import tsx scripts/make-tiny-onnx-model.ts FOLDER
 *        PAPERBOY_EMBEDDER=onnx EMBEDDINGS_MODEL_PATH=FOLDER npm start
 */
import path from 'node:path';
import { writeTinyOnnxModel } from '../test/helpers/tiny-onnx-model.js';

const folder = process.argv[2];
if (!folder) {
  console.error('usage: node --import tsx scripts/make-tiny-onnx-model.ts FOLDER');
  process.exit(2);
}
console.log(`tiny ONNX model written to ${writeTinyOnnxModel(path.resolve(folder))}`);
