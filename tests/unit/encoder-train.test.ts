import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUseLite, type UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { dense, embeddingLookup } from '../../src/core/encoders/ops';
import { padBatch } from '../../src/core/tokenizers/batch';
import { clipByGlobalNorm, FineTuner } from '../../src/core/train/finetune';
import { readUseFiles } from '../support/use-files';

let encoder: UseLiteEncoder;
const TEXTS = ['great movie, loved it', 'awful movie, hated it', 'wonderful and moving', 'boring and dreadful', 'a joy', 'a mess'];
const LABELS = Int32Array.from([1, 0, 1, 0, 1, 0]);

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  encoder = await loadUseLite(readUseFiles());
});

function batchOf(texts: string[]) {
  return { ...padBatch(texts.map((t) => encoder.tokenizer.encode(t)), encoder.maxSeqLength), labels: LABELS.slice(0, texts.length) };
}

describe('USE-lite encoder: trainable (WASM)', () => {
  it('gradients reach every encoder variable when all layers are unfrozen', async () => {
    const all = encoder.trainableVariables(encoder.numLayers);
    expect(all.length).toBe(encoder.namedWeights().length);
    const before = tf.memory().numTensors;
    const tuner = new FineTuner(encoder, 2, { unfreezeLayers: encoder.numLayers, encoderLearningRate: 1e-4, headLearningRate: 1e-2, clipNorm: 1, seed: 3 });
    const norms = await tuner.gradientNorms(batchOf(TEXTS));
    tuner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(norms.size).toBe(all.length + 2);
    for (const v of all) {
      const n = norms.get(v.name);
      expect(n, v.name).toBeGreaterThan(0);
      expect(Number.isFinite(n), v.name).toBe(true);
    }
  });

  it('trains the top layer with a head on a tiny labelled set: the loss falls, lower layers stay put', async () => {
    const top = new Set(encoder.trainableVariables(1).map((v) => v.name));
    const frozen = encoder.trainableVariables(encoder.numLayers).filter((v) => !top.has(v.name));
    expect(frozen.length).toBeGreaterThan(0);
    const frozenBefore = await Promise.all(frozen.map((v) => v.data()));
    const topVar = encoder.trainableVariables(1)[2];
    const topBefore = await topVar.data();
    const tensorsBefore = tf.memory().numTensors;

    const tuner = new FineTuner(encoder, 2, { unfreezeLayers: 1, encoderLearningRate: 1e-4, headLearningRate: 1e-2, clipNorm: 1, seed: 7 });
    const losses: number[] = [];
    for (let s = 0; s < 12; s++) losses.push(await tuner.step(batchOf(TEXTS)));
    const probs = await tuner.predict(batchOf(TEXTS).ids, batchOf(TEXTS).mask, TEXTS.length, batchOf(TEXTS).seqLength);
    tuner.dispose();

    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    for (let i = 0; i < TEXTS.length; i++) expect(probs[i * 2 + LABELS[i]]).toBeGreaterThan(0.5);
    const frozenAfter = await Promise.all(frozen.map((v) => v.data()));
    frozen.forEach((v, i) => expect(Array.from(frozenAfter[i]), v.name).toEqual(Array.from(frozenBefore[i])));
    const topAfter = await topVar.data();
    expect(topAfter.some((x, i) => x !== topBefore[i])).toBe(true);
    // Put the encoder back for any later test.
    const original = await loadUseLite(readUseFiles());
    encoder.assignWeights(original.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape, data: w.tensor.dataSync() as Float32Array })));
    original.dispose();
  });

  it('rehash changes the weights hash after fine-tuning and is stable otherwise', async () => {
    const initial = encoder.weightsHash;
    expect(await encoder.rehash()).toBe(initial);
    const tuner = new FineTuner(encoder, 2, { unfreezeLayers: 1, encoderLearningRate: 1e-3, headLearningRate: 1e-2, clipNorm: 1, seed: 1 });
    await tuner.step(batchOf(TEXTS));
    tuner.dispose();
    expect(await encoder.rehash()).not.toBe(initial);
  });

  it('differentiates the embedding lookup like tfjs differentiates gather (repeated ids summed)', async () => {
    await tf.setBackend('cpu');
    try {
      tf.tidy(() => {
        const table = tf.randomNormal([7, 3], 0, 1, 'float32', 1);
        const ids = tf.tensor1d([1, 4, 1, 6, 0], 'int32');
        const upstream = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
        const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids), upstream)))(table);
        const stock = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), upstream)))(table);
        expect(Array.from(ours.dataSync())).toEqual(Array.from(stock.dataSync()));
        expect(Array.from(embeddingLookup(table, ids).dataSync())).toEqual(Array.from(tf.gather(table, ids).dataSync()));
      });
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('dense has the gradients of the stock ops (transposes made explicit)', async () => {
    await tf.setBackend('cpu');
    try {
      tf.tidy(() => {
        const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
        const w = tf.randomNormal([4, 3], 0, 1, 'float32', 4);
        const b = tf.randomNormal([3], 0, 1, 'float32', 5);
        const up = tf.randomNormal([5, 3], 0, 1, 'float32', 6);
        for (const act of [undefined, 'relu'] as const) {
          const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(dense(xx as tf.Tensor2D, ww, bb, act), up)))([x, w, b]);
          const stock = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => {
            const y = tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb);
            return tf.sum(tf.mul(act ? tf.relu(y) : y, up));
          })([x, w, b]);
          ours.forEach((g, i) => expect(Math.max(...Array.from(tf.abs(tf.sub(g, stock[i])).dataSync()))).toBeLessThan(1e-5));
        }
      });
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('clips gradients by their global norm', () => {
    tf.tidy(() => {
      const clipped = clipByGlobalNorm({ a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }, 1);
      expect(Array.from(clipped.a.dataSync())).toEqual([0.6000000238418579, 0]);
      expect(Array.from(clipped.b.dataSync())[1]).toBeCloseTo(0.8, 6);
      const untouched = clipByGlobalNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
      expect(Array.from(untouched.a.dataSync())).toEqual(Array.from(tf.tensor1d([0.3, 0.4]).dataSync()));
    });
  });
});
