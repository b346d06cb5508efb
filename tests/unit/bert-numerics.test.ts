// The tfjs BertEncoder against the independent float64 reference (tests/support/bert-reference.ts)
// on the seeded tiny random BERT: padded batches of varied length, every pooling mode, F16 weights,
// on the cpu and WASM backends.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBert, type BertEncoder } from '../../src/core/encoders/bert';
import type { BertPooling } from '../../src/core/encoders/bert-config';
import { padBatch } from '../../src/core/tokenizers/batch';
import { referenceBertEmbed } from '../support/bert-reference';
import { TINY_REFERENCE, TINY_TEXTS, tinyBertFiles, tinyWeights } from '../support/tiny-bert';

let initialBackend = '';
beforeAll(async () => {
  await tf.ready();
  initialBackend = tf.getBackend();
});
afterAll(async () => {
  await tf.setBackend(initialBackend);
});

async function maxDiffAgainstReference(encoder: BertEncoder, weights: Map<string, Float32Array>, pooling: BertPooling): Promise<number> {
  const ids = encoder.tokenize(TINY_TEXTS);
  // Lengths vary (2 .. 30+ tokens) so most rows are padded.
  expect(new Set(ids.map((r) => r.length)).size).toBeGreaterThanOrEqual(5);
  const padded = padBatch(ids, encoder.maxSeqLength);
  const idT = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
  const maskT = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength]);
  const out = encoder.forward(idT, maskT);
  const got = await out.data();
  tf.dispose([idT, maskT, out]);
  let maxDiff = 0;
  ids.forEach((row, r) => {
    const want = referenceBertEmbed(weights, { ...TINY_REFERENCE, pooling: pooling.mode === 'cls' ? 'cls' : 'mean', normalize: pooling.normalize }, row);
    for (let d = 0; d < encoder.dim; d++) maxDiff = Math.max(maxDiff, Math.abs(want[d] - got[r * encoder.dim + d]));
  });
  return maxDiff;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`BertEncoder forward matches the float64 reference (${backend})`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });

    const poolings: BertPooling[] = [{ mode: 'mean', normalize: false }, { mode: 'cls', normalize: false }, { mode: 'mean', normalize: true }];
    for (const pooling of poolings) {
      it(`pooling ${pooling.mode}${pooling.normalize ? ' + normalize' : ''}: within 1e-4, no tensors leaked`, async () => {
        const encoder = await loadBert({ ...tinyBertFiles('f32'), pooling });
        const before = tf.memory().numTensors;
        const diff = await maxDiffAgainstReference(encoder, tinyWeights('f32'), pooling);
        expect(tf.memory().numTensors).toBe(before);
        expect(diff).toBeLessThanOrEqual(1e-4);
        encoder.dispose();
      });
    }

    it('F16 "bert."-prefixed weights are widened on load and match the reference on the same values', async () => {
      const encoder = await loadBert(tinyBertFiles('f16'));
      const diff = await maxDiffAgainstReference(encoder, tinyWeights('f16'), { mode: 'mean', normalize: false });
      expect(diff).toBeLessThanOrEqual(1e-4);
      encoder.dispose();
    });

    it('embedTexts equals forward on single unpadded texts, reports progress, leaks nothing', async () => {
      const encoder = await loadBert(tinyBertFiles('f32'));
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const batched = await encoder.embedTexts(TINY_TEXTS, { batchSize: 4, onProgress: (done) => progress.push(done) });
      expect(progress).toEqual([4, 6]);
      for (let i = 0; i < TINY_TEXTS.length; i++) {
        const one = await encoder.embedTexts([TINY_TEXTS[i]]);
        for (let d = 0; d < encoder.dim; d++) expect(Math.abs(one[d] - batched[i * encoder.dim + d])).toBeLessThan(1e-5);
      }
      expect(tf.memory().numTensors).toBe(before);
      encoder.dispose();
    });
  });
}

describe('BertEncoder long texts: windows wrapped in [CLS] … [SEP], embeddings averaged', () => {
  it('splits a long text into at most maxWindows windows and averages their embeddings (cpu)', async () => {
    await tf.setBackend('cpu');
    const encoder = await loadBert(tinyBertFiles('f32'), { maxSeqLength: 8 });
    const before = tf.memory().numTensors;
    const long = TINY_TEXTS.join(' ');
    const { windows, owner } = encoder.windowIds([long, 'short'], { policy: 'chunk', maxWindows: 3 });
    const first = encoder.encodeIds(long);
    expect(windows.filter((_, i) => owner[i] === 0).length).toBe(3);
    for (const w of windows) {
      expect(w.length).toBeLessThanOrEqual(8);
      expect(w[0]).toBe(first[0]);
      expect(w[w.length - 1]).toBe(first[first.length - 1]);
    }
    // The first window is exactly the truncated text.
    expect(windows[0]).toEqual(first);
    const pooled = await encoder.embedTexts([long], { longText: { policy: 'chunk', maxWindows: 3 } });
    const parts = windows.filter((_, i) => owner[i] === 0);
    const padded = padBatch(parts, 8);
    const idT = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
    const maskT = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength]);
    const out = encoder.forward(idT, maskT);
    const each = await out.data();
    tf.dispose([out, idT, maskT]);
    for (let d = 0; d < encoder.dim; d++) {
      const mean = (each[d]! + each[encoder.dim + d]! + each[2 * encoder.dim + d]!) / 3;
      expect(Math.abs(pooled[d]! - mean)).toBeLessThan(1e-5);
    }
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  });
});

describe('BertEncoder.unknownShare', () => {
  it('counts [UNK] among the pieces, [CLS]/[SEP] left out', async () => {
    const encoder = await loadBert(tinyBertFiles('f32'));
    try {
      expect(encoder.unknownShare('the movie')).toBe(0);
      expect(encoder.unknownShare('😀')).toBe(1);
      expect(encoder.unknownShare('the 😀')).toBe(0.5);
      expect(encoder.unknownShare('')).toBe(0);
    } finally {
      encoder.dispose();
    }
  });
});
