import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUseLite, type UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { contrastiveSteps, contrastiveTune, cosineSimilarityLoss, generatePairs, type ContrastiveCheckpoint, type ContrastiveConfig } from '../../src/core/train/contrastive';
import { padBatch } from '../../src/core/tokenizers/batch';
import { readUseFiles } from '../support/use-files';
import { loadBert } from '../../src/core/encoders/bert';
import { tinyBertFiles } from '../support/tiny-bert';

describe('generatePairs', () => {
  const y = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);

  it('is balanced: as many positives as negatives, positives share a label, negatives do not', () => {
    const p = generatePairs(y, { iterations: 20, maxPairs: 10_000, seed: 1 });
    expect(p.a.length).toBe(2 * 20 * y.length);
    let pos = 0;
    for (let i = 0; i < p.a.length; i++) {
      expect(p.a[i]).not.toBe(p.b[i]);
      const same = y[p.a[i]!] === y[p.b[i]!];
      expect(same).toBe(p.target[i] === 1);
      if (same) pos++;
    }
    expect(pos).toBe(p.a.length / 2);
    // Every row anchors exactly R positive and R negative pairs.
    const anchored = new Map<number, number>();
    p.a.forEach((r) => anchored.set(r, (anchored.get(r) ?? 0) + 1));
    expect([...anchored.values()].every((c) => c === 40)).toBe(true);
    // Negatives reach every other label.
    const negLabels = new Set<string>();
    for (let i = 0; i < p.a.length; i++) if (p.target[i] === 0) negLabels.add(`${y[p.a[i]!]}-${y[p.b[i]!]}`);
    expect(negLabels.size).toBe(6);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = generatePairs(y, { iterations: 5, maxPairs: 1000, seed: 7 });
    const b = generatePairs(y, { iterations: 5, maxPairs: 1000, seed: 7 });
    const c = generatePairs(y, { iterations: 5, maxPairs: 1000, seed: 8 });
    expect(Array.from(a.b)).toEqual(Array.from(b.b));
    expect(Array.from(a.a)).toEqual(Array.from(b.a));
    expect(Array.from(a.b)).not.toEqual(Array.from(c.b));
  });

  it('caps the pairs, stays balanced and spreads the cap evenly over the rows', () => {
    const p = generatePairs(y, { iterations: 20, maxPairs: 33, seed: 3 });
    expect(p.a.length).toBe(32);
    expect(p.target.reduce((s, t) => s + t, 0)).toBe(16);
    const anchored = new Map<number, number>();
    p.a.forEach((r) => anchored.set(r, (anchored.get(r) ?? 0) + 1));
    const counts = [...anchored.values()];
    expect(anchored.size).toBe(y.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });

  it('skips anchors whose label has one row, and refuses what cannot make pairs', () => {
    const p = generatePairs(Int32Array.from([0, 0, 1]), { iterations: 3, maxPairs: 100, seed: 1 });
    expect(p.a.length).toBe(12);
    expect(Array.from(p.a).every((r) => r !== 2)).toBe(true);
    expect(Array.from(p.b)).toContain(2);
    expect(() => generatePairs(Int32Array.from([1, 1, 1]), { iterations: 3, maxPairs: 100, seed: 1 })).toThrow(/at least 2 labels; received 1/);
    expect(() => generatePairs(Int32Array.from([0, 1]), { iterations: 3, maxPairs: 100, seed: 1 })).toThrow(/no label has 2 rows/);
    expect(() => generatePairs(Int32Array.from([0, 0, 1]), { iterations: 0, maxPairs: 100, seed: 1 })).toThrow(/iterations must be an integer ≥ 1; received 0/);
    expect(() => generatePairs(Int32Array.from([0, 0, 1]), { iterations: 2, maxPairs: 1, seed: 1 })).toThrow(/maxPairs must be an integer ≥ 2; received 1/);
  });
});

describe('cosineSimilarityLoss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is the mean squared error of the cosines, and its gradient matches central differences', () => {
    const before = tf.memory().numTensors;
    const aData = [0.3, -1.2, 0.5, 2.0, 0.1, 0.7, -0.4, 0.9, 1.5, -0.3, 0.2, 0.0];
    const bData = [1.1, 0.4, -0.6, 0.3, -0.8, 0.2, 0.5, 1.0, 0.4, 0.4, -1.3, 0.6];
    const target = tf.tensor1d([1, 0, 1]);
    const b = tf.tensor2d(bData, [3, 4]);
    const lossOf = (a: number[]) => tf.tidy(() => cosineSimilarityLoss(tf.tensor2d(a, [3, 4]), b, target).dataSync()[0]!);
    // Direct value.
    let expected = 0;
    for (let r = 0; r < 3; r++) {
      const u = aData.slice(r * 4, r * 4 + 4);
      const v = bData.slice(r * 4, r * 4 + 4);
      const dot = u.reduce((s, x, i) => s + x * v[i]!, 0);
      const cos = dot / Math.hypot(...u) / Math.hypot(...v);
      expected += (cos - [1, 0, 1][r]!) ** 2 / 3;
    }
    expect(lossOf(aData)).toBeCloseTo(expected, 5);
    const analytic = tf.tidy(() => tf.grad((a: tf.Tensor) => cosineSimilarityLoss(a as tf.Tensor2D, b, target))(tf.tensor2d(aData, [3, 4])).dataSync());
    const h = 1e-3;
    for (let i = 0; i < aData.length; i++) {
      const up = aData.slice();
      const down = aData.slice();
      up[i]! += h;
      down[i]! -= h;
      const numeric = (lossOf(up) - lossOf(down)) / (2 * h);
      expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
    }
    // A zero row has a finite gradient (ε inside the square root).
    const zeroGrad = tf.tidy(() => tf.grad((a: tf.Tensor) => cosineSimilarityLoss(a as tf.Tensor2D, b, target))(tf.zeros([3, 4])).dataSync());
    expect(Array.from(zeroGrad).every(Number.isFinite)).toBe(true);
    tf.dispose([target, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('contrastiveTune (USE-lite, WASM)', () => {
  const POS = ['great film, loved it', 'wonderful and moving', 'a joy from start to end', 'brilliant acting', 'I adored it', 'superb'];
  const NEG = ['awful film, hated it', 'boring and dreadful', 'a mess from start to end', 'wooden acting', 'I loathed it', 'terrible'];
  const data = { texts: [...POS, ...NEG], y: Int32Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) };
  const config: ContrastiveConfig = {
    unfreezeLayers: 1, encoderLearningRate: 1e-3, clipNorm: 1, seed: 3, iterations: 2, maxPairs: 48,
    batchSize: 8, epochs: 2, warmupFraction: 0.1, maxTokens: 32, checkpointEvery: 4,
  };
  let encoder: UseLiteEncoder;
  let pristine: { name: string; shape: number[]; data: Float32Array }[];

  beforeAll(async () => {
    await tf.setBackend('wasm');
    encoder = await loadUseLite(readUseFiles());
    pristine = encoder.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), data: (w.tensor.dataSync() as Float32Array).slice() }));
  });

  /** Loss over every pair of the run, no gradient. */
  async function pairLoss(): Promise<number> {
    const pairs = generatePairs(data.y, config);
    const ids = data.texts.map((t) => encoder.encodeIds(t));
    const p = padBatch([...Array.from(pairs.a, (i) => ids[i]!), ...Array.from(pairs.b, (i) => ids[i]!)], 32);
    const n = pairs.a.length;
    return tf.tidy(() => {
      const e = encoder.forward(tf.tensor2d(p.ids, [p.batch, p.seqLength], 'int32'), tf.tensor2d(p.mask, [p.batch, p.seqLength]));
      return cosineSimilarityLoss(e.slice([0, 0], [n, -1]), e.slice([n, 0], [n, -1]), tf.tensor1d(pairs.target)).dataSync()[0]!;
    });
  }

  it('lowers the pair loss, checkpoints, leaks no tensors, and a resumed run ends where an unbroken one does', async () => {
    encoder.assignWeights(pristine);
    const before = tf.memory().numTensors;
    const lossBefore = await pairLoss();
    const checkpoints: ContrastiveCheckpoint[] = [];
    const { totalSteps, pairs } = contrastiveSteps(data.y, config);
    expect(pairs).toBe(48);
    expect(totalSteps).toBe(12);
    const full = await contrastiveTune(encoder, data, config, { onCheckpoint: async (c) => void checkpoints.push(c) });
    expect(full.stopReason).toBe('completed');
    expect(full.steps).toBe(12);
    expect(full.losses).toHaveLength(12);
    expect(checkpoints.map((c) => c.step)).toEqual([4, 8, 12]);
    const lossAfter = await pairLoss();
    expect(lossAfter).toBeLessThan(lossBefore * 0.8);
    expect(tf.memory().numTensors).toBe(before);
    const tunedLayer = full.encoderWeights.map((w) => w.data);

    // Stop after step 5 (a checkpoint is written at the stop), then resume from it on fresh weights.
    encoder.assignWeights(pristine);
    let stopAt: ContrastiveCheckpoint | null = null;
    let steps = 0;
    const stopped = await contrastiveTune(encoder, data, config, { onStep: () => void steps++, shouldStop: () => steps >= 5, onCheckpoint: async (c) => void (stopAt = c) });
    expect(stopped.stopReason).toBe('user');
    expect(stopped.steps).toBe(5);
    expect(stopAt!.step).toBe(5);
    encoder.assignWeights(pristine);
    const resumed = await contrastiveTune(encoder, data, config, {}, stopAt!);
    expect(resumed.steps).toBe(12);
    expect(resumed.losses.slice(0, 5)).toEqual(full.losses.slice(0, 5));
    resumed.encoderWeights.forEach((w, i) => {
      let maxDiff = 0;
      for (let j = 0; j < w.data.length; j++) maxDiff = Math.max(maxDiff, Math.abs(w.data[j]! - tunedLayer[i]![j]!));
      expect(maxDiff).toBeLessThan(1e-4);
    });
    expect(tf.memory().numTensors).toBe(before);
    encoder.assignWeights(pristine);
  }, 120_000);

  it('refuses bad settings by name', async () => {
    await expect(contrastiveTune(encoder, data, { ...config, batchSize: 0 })).rejects.toThrow(/batchSize must be an integer ≥ 1; received 0/);
    await expect(contrastiveTune(encoder, data, { ...config, encoderLearningRate: -1 })).rejects.toThrow(/encoderLearningRate must be in \(0, 1\); received -1/);
    await expect(contrastiveTune(encoder, { texts: ['a'], y: data.y }, config)).rejects.toThrow(/1 texts for 12 labels/);
  });
});

describe('contrastiveTune (tiny BERT, unnormalised mean pooling, every layer, WASM)', () => {
  it('lowers the loss over its pairs and leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const encoder = await loadBert(tinyBertFiles());
    const texts = ['great movie loved it', 'best acting ever', 'wonderful story', 'terrible boring film', 'worst plot ever', 'awful waste of money'];
    const y = Int32Array.from([1, 1, 1, 0, 0, 0]);
    const before = tf.memory().numTensors;
    const result = await contrastiveTune(encoder, { texts, y }, {
      unfreezeLayers: encoder.numLayers, encoderLearningRate: 3e-3, clipNorm: 5, seed: 1, iterations: 4, maxPairs: 48,
      batchSize: 48, epochs: 15, warmupFraction: 0, maxTokens: 16, checkpointEvery: 100,
    });
    expect(result.steps).toBe(15);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! * 0.5);
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  }, 120_000);
});
