// The WASM one-text path (ops.ts: per-head 2-D attention, blocks taken by GatherNd, no tf.slice)
// is what the playground runs for every keystroke: it must give the batched path's numbers —
// which the parity tests check against the stock graph and the float64 BERT reference — with
// padding, at every length, without leaking tensors, and must not be taken under a gradient tape.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attention, attentionFused, firstRows, takeBlock } from '../../src/core/encoders/ops';
import { loadUseLite, type UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { loadBert } from '../../src/core/encoders/bert';
import { padBatch } from '../../src/core/tokenizers/batch';
import { buildCorpus } from '../support/corpus';
import { readUseFiles } from '../support/use-files';
import { referenceBertEmbed } from '../support/bert-reference';
import { TINY_REFERENCE, TINY_TEXTS, tinyBertFiles, tinyWeights } from '../support/tiny-bert';

let initialBackend = '';
beforeAll(async () => {
  await tf.ready();
  initialBackend = tf.getBackend();
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend(initialBackend);
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A padding bias [batch, 1, 1, seq] with the last `pad` keys of row 0 masked. */
function biasWithPadding(batch: number, seq: number, pad: number): tf.Tensor4D {
  const mask = new Float32Array(batch * seq).fill(1);
  for (let j = seq - pad; j < seq; j++) mask[j] = 0;
  return tf.tidy(() => tf.reshape(tf.mul(tf.sub(1, tf.tensor2d(mask, [batch, seq])), -1e9), [batch, 1, 1, seq]));
}

describe('ops on WASM: the one-text attention equals the batched one', () => {
  for (const [seq, heads, headDim, pad] of [[1, 4, 64, 0], [7, 4, 64, 3], [39, 4, 128, 0], [128, 4, 128, 17]]) {
    it(`seq ${seq}, ${heads} heads × ${headDim}, ${pad} padded keys: within 1e-5, no tensors leaked`, () => {
      const width = heads * headDim;
      const shape = { seq, heads, headDim, queryScale: 1 / Math.sqrt(headDim) };
      const qkv = tf.randomNormal([seq, 3 * width], 0, 1, 'float32', seq) as tf.Tensor2D;
      const one = biasWithPadding(1, seq, pad);
      // The same text twice is a batch of 2: the general path (BatchMatMul over the heads).
      const two = tf.concat([one, one], 0);
      const before = tf.memory().numTensors;
      const fast = tf.tidy(() => attentionFused(qkv, one, { ...shape, batch: 1 }).arraySync());
      const fastSplit = tf.tidy(() => {
        const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
        return attention(q!, k!, v!, one, { ...shape, batch: 1 }).arraySync();
      });
      const batched = tf.tidy(() => attentionFused(tf.concat([qkv, qkv], 0), two, { ...shape, batch: 2 }).arraySync());
      expect(tf.memory().numTensors).toBe(before);
      expect(maxAbsDiff(fast.flat(), batched.slice(0, seq).flat())).toBeLessThan(1e-5);
      expect(maxAbsDiff(fastSplit.flat(), fast.flat())).toBe(0);
      tf.dispose([qkv, one, two]);
    });
  }

  it('takeBlock and firstRows copy what tf.slice would, and fall back to it under a gradient tape', () => {
    const x = tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [4, 3, 2]);
    const table = tf.tensor2d(Array.from({ length: 12 }, (_, i) => i * 10), [6, 2]);
    expect(tf.tidy(() => takeBlock(x, 2).arraySync())).toEqual([[12, 13], [14, 15], [16, 17]]);
    expect(tf.tidy(() => firstRows(table, 2).arraySync())).toEqual([[0, 10], [20, 30]]);
    expect(firstRows(table, 6)).toBe(table);
    // tfjs has no gradient for GatherNd: under a tape both must stay differentiable.
    const v = tf.variable(tf.ones([5, 3]));
    const g = tf.tidy(() => tf.variableGrads(() => tf.sum(tf.mul(firstRows(v, 2), 3)) as tf.Scalar).grads[v.name]!.arraySync());
    expect(g).toEqual([[3, 3, 3], [3, 3, 3], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    const gb = tf.tidy(() => tf.variableGrads(() => tf.sum(takeBlock(v, 4)) as tf.Scalar).grads[v.name]!.arraySync()) as number[][];
    expect(gb[4]).toEqual([1, 1, 1]);
    expect(gb[0]).toEqual([0, 0, 0]);
    tf.dispose([x, table, v]);
  });
});

describe('USE-lite on WASM: one text at a time gives the batch\u2019s embedding', () => {
  let encoder: UseLiteEncoder;
  beforeAll(async () => {
    encoder = await loadUseLite(readUseFiles());
  });
  afterAll(() => encoder.dispose());

  it('forward on each text alone (and alone but padded) equals its row of a padded batch, lengths 0..128', async () => {
    const corpus = buildCorpus(40, 11);
    // Lengths from empty to the 128-token clip.
    const texts = ['', 'ok', ...corpus.map((t, i) => t.slice(0, 12 + i * 40))];
    const ids = texts.map((t) => encoder.encodeIds(t));
    expect(Math.max(...ids.map((r) => r.length))).toBe(128);
    const padded = padBatch(ids, encoder.maxSeqLength);
    const batchOut = tf.tidy(() => encoder.forward(tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32'), tf.tensor2d(padded.mask, [padded.batch, padded.seqLength])));
    const batched = await batchOut.data();
    batchOut.dispose();
    const before = tf.memory().numTensors;
    let worst = 0;
    let worstPadded = 0;
    for (let r = 0; r < ids.length; r++) {
      const want = batched.subarray(r * encoder.dim, (r + 1) * encoder.dim);
      // Alone and unpadded (what embedTexts does with one text) ...
      const alone = padBatch([ids[r]!], encoder.maxSeqLength);
      const got = tf.tidy(() => encoder.forward(tf.tensor2d(alone.ids, [1, alone.seqLength], 'int32'), tf.tensor2d(alone.mask, [1, alone.seqLength])).dataSync());
      worst = Math.max(worst, maxAbsDiff(got, want));
      // ... and alone but padded to the batch's length: the padding bias must mask the keys.
      const row = padded.ids.slice(r * padded.seqLength, (r + 1) * padded.seqLength);
      const mask = padded.mask.slice(r * padded.seqLength, (r + 1) * padded.seqLength);
      const gotPadded = tf.tidy(() => encoder.forward(tf.tensor2d(row, [1, padded.seqLength], 'int32'), tf.tensor2d(mask, [1, padded.seqLength])).dataSync());
      worstPadded = Math.max(worstPadded, maxAbsDiff(gotPadded, want));
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(worst).toBeLessThan(1e-5);
    expect(worstPadded).toBeLessThan(1e-5);
  }, 120_000);

  it('takes the one-text path: no whole-input copies (Slice, SplitV), no GatherV2, no batched BatchMatMul', async () => {
    const ids = encoder.encodeIds('A quiet, well acted film about two brothers who run a small bakery in the north.');
    const idT = tf.tensor2d([ids], [1, ids.length], 'int32');
    const maskT = tf.ones([1, ids.length]) as tf.Tensor2D;
    const profile = await tf.profile(() => encoder.forward(idT, maskT));
    const names = new Set(profile.kernels.map((k) => k.name));
    for (const slow of ['Slice', 'SplitV', 'GatherV2']) expect(names.has(slow)).toBe(false);
    // Every product is a 2-D one (XNNPACK): tfjs hands kernels [batch, m, k], and batch is 1.
    const products = profile.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul');
    expect(products.length).toBeGreaterThan(9);
    for (const k of products) for (const shape of k.inputShapes.slice(0, 2)) expect(shape.slice(0, -2).every((d) => d === 1)).toBe(true);
    tf.dispose([idT, maskT]);
  });

  it('embedTexts of one text equals the same text embedded in a batch', async () => {
    const texts = buildCorpus(6, 3);
    const batched = await encoder.embedTexts(texts, { batchSize: 6 });
    for (let i = 0; i < texts.length; i++) {
      const one = await encoder.embedTexts([texts[i]!]);
      expect(maxAbsDiff(one, batched.subarray(i * encoder.dim, (i + 1) * encoder.dim))).toBeLessThan(1e-5);
    }
  });
});

describe('BERT on WASM: one text at a time matches the float64 reference', () => {
  it('each tiny-BERT text alone, within 1e-4, no tensors leaked', async () => {
    const encoder = await loadBert({ ...tinyBertFiles('f32'), pooling: { mode: 'mean', normalize: false } });
    const weights = tinyWeights('f32');
    const before = tf.memory().numTensors;
    let worst = 0;
    for (const row of encoder.tokenize(TINY_TEXTS)) {
      const got = tf.tidy(() => encoder.forward(tf.tensor2d(row, [1, row.length], 'int32'), tf.ones([1, row.length]) as tf.Tensor2D).dataSync());
      const want = referenceBertEmbed(weights, { ...TINY_REFERENCE, pooling: 'mean', normalize: false }, row);
      worst = Math.max(worst, maxAbsDiff(got, want));
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(worst).toBeLessThanOrEqual(1e-4);
    encoder.dispose();
  });
});
