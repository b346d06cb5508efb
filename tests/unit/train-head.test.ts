import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createHead, DEFAULT_HEAD_CONFIG, predictProba, trainHead, type HeadTrainData } from '../../src/core/train/head';
import { mulberry32 } from '../../src/core/data/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Gaussian blobs: class c centred at a seeded random point; `noise` sets overlap. */
function blobs(counts: number[], dim: number, noise: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = mulberry32(seed);
  const centres = counts.map(() => Array.from({ length: dim }, () => rng() * 2 - 1));
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  let r = 0;
  counts.forEach((count, c) => {
    for (let i = 0; i < count; i++, r++) {
      y[r] = c;
      for (let d = 0; d < dim; d++) x[r * dim + d] = centres[c]![d]! + noise * (rng() + rng() + rng() - 1.5);
    }
  });
  return { x, y };
}

function dataset(counts: number[], valCounts: number[], noise = 0.5, dim = 8): HeadTrainData {
  // One draw (shared centres), then the first counts[c] rows of each class train and the rest validate.
  const all = blobs(counts.map((c, i) => c + valCounts[i]!), dim, noise, 1);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  let r = 0;
  counts.forEach((c, k) => {
    for (let i = 0; i < c + valCounts[k]!; i++, r++) (i < c ? trainIdx : valIdx).push(r);
  });
  const pick = (idx: number[]): { x: Float32Array; y: Int32Array } => {
    const x = new Float32Array(idx.length * dim);
    idx.forEach((row, i) => x.set(all.x.subarray(row * dim, (row + 1) * dim), i * dim));
    return { x, y: Int32Array.from(idx, (row) => all.y[row]!) };
  };
  const t = pick(trainIdx);
  const v = pick(valIdx);
  return { trainX: t.x, trainY: t.y, valX: v.x, valY: v.y, dim, numClasses: counts.length };
}

describe('createHead', () => {
  it('builds logistic regression or an MLP, seeded, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const lr = createHead({ inputDim: 4, numClasses: 3, hiddenUnits: 0, dropout: 0, seed: 1 });
    expect(lr.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Activation']);
    const mlp = createHead({ inputDim: 4, numClasses: 3, hiddenUnits: 5, dropout: 0.2, seed: 1 });
    expect(mlp.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense', 'Activation']);
    const again = createHead({ inputDim: 4, numClasses: 3, hiddenUnits: 5, dropout: 0.2, seed: 1 });
    expect(Array.from(again.getWeights()[0]!.dataSync())).toEqual(Array.from(mlp.getWeights()[0]!.dataSync()));
    const p = predictProba(mlp, new Float32Array([1, 2, 3, 4, 0, 0, 0, 1]), 4);
    expect(p).toHaveLength(6);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 5);
    expect(() => predictProba(mlp, new Float32Array(6), 3)).toThrow(/input width 4.*got 3/);
    [lr, mlp, again].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createHead({ inputDim: 4, numClasses: 1, hiddenUnits: 0, dropout: 0, seed: 1 })).toThrow(/numClasses must be an integer ≥ 2, got 1/);
  });
});

describe('trainHead', () => {
  it('overfits a tiny batch: with a fixed seed the loss falls and is reproducible', async () => {
    const before = tf.memory().numTensors;
    const data = dataset([6, 6], [2, 2], 0.3);
    const cfg = { epochs: 40, batchSize: 4, learningRate: 0.01, hiddenUnits: 16, dropout: 0, patience: 0 };
    const a = await trainHead(data, { ...cfg, seed: undefined });
    const b = await trainHead(data, cfg);
    const losses = a.history.map((h) => h.trainLoss);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.2);
    expect(a.history.at(-1)!.trainAcc).toBe(1);
    expect(b.history.map((h) => h.trainLoss)).toEqual(losses);
    expect(a.history).toHaveLength(40);
    const otherSeed = await trainHead(data, { ...cfg, seed: 7 });
    expect(otherSeed.history[0]!.trainLoss).not.toBe(losses[0]);
    otherSeed.model.dispose();
    expect(a.stoppedEarly).toBe(false);
    a.model.dispose();
    b.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('class weights change the loss on imbalanced data', async () => {
    const before = tf.memory().numTensors;
    const data = dataset([30, 4], [6, 2], 1.5);
    const cfg = { epochs: 1, batchSize: 64, learningRate: 1e-3, hiddenUnits: 0, dropout: 0, patience: 0 };
    const weighted = await trainHead(data, { ...cfg, classWeights: true });
    const plain = await trainHead(data, { ...cfg, classWeights: false });
    // One full batch from identical initial weights: only the weighting differs.
    expect(weighted.history[0]!.trainLoss).not.toBeCloseTo(plain.history[0]!.trainLoss, 4);
    expect(weighted.history[0]!.trainAcc).toBe(plain.history[0]!.trainAcc);
    weighted.model.dispose();
    plain.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restores the weights of the best epoch and reports its metrics', async () => {
    const before = tf.memory().numTensors;
    const data = dataset([20, 20, 20], [8, 8, 8], 2.5);
    const r = await trainHead(data, { epochs: 25, batchSize: 8, learningRate: 0.05, hiddenUnits: 32, dropout: 0.1, patience: 0 });
    const best = r.history[r.bestEpoch - 1]!;
    const bestF1 = Math.max(...r.history.map((h) => h.valMacroF1));
    expect(best.valMacroF1).toBe(bestF1);
    const tied = r.history.filter((h) => h.valMacroF1 === bestF1);
    expect(best.valLoss).toBe(Math.min(...tied.map((h) => h.valLoss)));
    // The returned model really is the best epoch's: re-evaluating it gives the same metrics.
    const probs = predictProba(r.model, data.valX, data.dim);
    const pred = Array.from({ length: data.valY.length }, (_, i) => {
      const row = Array.from(probs.subarray(i * 3, i * 3 + 3));
      return row.indexOf(Math.max(...row));
    });
    const acc = pred.filter((p, i) => p === data.valY[i]).length / pred.length;
    expect(acc).toBeCloseTo(r.metrics.accuracy, 10);
    expect(r.metrics.macroF1).toBe(best.valMacroF1);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('breaks macro-F1 ties by the lower validation loss', async () => {
    const before = tf.memory().numTensors;
    // Separable data: F1 reaches 1 early and stays there while the loss keeps falling.
    const data = dataset([10, 10], [5, 5], 0.1);
    const r = await trainHead(data, { epochs: 12, batchSize: 4, learningRate: 0.05, hiddenUnits: 0, dropout: 0, patience: 0 });
    const perfect = r.history.filter((h) => h.valMacroF1 === 1);
    expect(perfect.length).toBeGreaterThan(1);
    const lowest = perfect.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(r.bestEpoch).toBe(lowest.epoch);
    expect(r.bestEpoch).toBeGreaterThan(perfect[0]!.epoch);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops early when neither val macro-F1 nor (on ties) val loss improves', async () => {
    const before = tf.memory().numTensors;
    // Few, heavily overlapping rows and a wide MLP: it overfits, so validation stops improving.
    const data = dataset([8, 8], [8, 8], 3);
    const r = await trainHead(data, { epochs: 60, batchSize: 4, learningRate: 0.05, hiddenUnits: 64, dropout: 0, patience: 3 });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBeLessThan(50);
    expect(r.history.length - r.bestEpoch).toBe(3);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a stop request ends after the current batch, logs the partial epoch and keeps the best epoch', async () => {
    const before = tf.memory().numTensors;
    const data = dataset([16, 16], [4, 4], 0.5);
    let batches = 0;
    const epochs: number[] = [];
    // 32 rows / batch 8 = 4 batches per epoch; stop during epoch 3, after batch 10.
    const r = await trainHead(data, { epochs: 30, batchSize: 8, hiddenUnits: 8, patience: 0 }, {
      shouldStop: () => ++batches >= 10,
      onEpoch: (log) => epochs.push(log.epoch),
    });
    expect(batches).toBe(10);
    expect(r.stoppedByUser).toBe(true);
    expect(epochs).toEqual([1, 2, 3]);
    expect(r.history[2]!.partial).toBe(true);
    expect(r.history[1]!.partial).toBeUndefined();
    expect(r.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(r.bestEpoch).toBeLessThanOrEqual(3);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates its arguments, naming the value, and leaks nothing on error', async () => {
    const before = tf.memory().numTensors;
    const data = dataset([3, 3], [1, 1]);
    await expect(trainHead({ ...data, valY: new Int32Array(0), valX: new Float32Array(0) })).rejects.toMatchObject({ code: 'empty-validation' });
    await expect(trainHead(data, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(trainHead({ ...data, trainX: data.trainX.subarray(1) })).rejects.toThrow(/trainX must hold trainY.length × dim = 6 × 8 values, got 47/);
    expect(tf.memory().numTensors).toBe(before);
    // The head loop's defaults are the Train form's (one spec table).
    expect(DEFAULT_HEAD_CONFIG).toEqual({ epochs: 30, batchSize: 16, learningRate: 1e-3, hiddenUnits: 0, dropout: 0.2, classWeights: true, seed: 42, patience: 8 });
  });
});

describe('predictProbaOnCpu (a typed text\u2019s head, without tfjs kernels)', () => {
  it('equals model.predict for linear and hidden-layer heads, follows weight changes, and declines many rows or unknown layers', async () => {
    const { predictProbaOnCpu, CPU_HEAD_MAX_ROWS, foldTemperatureIntoHead } = await import('../../src/core/train/head');
    const x = blobs([3, 2], 16, 0.5, 3).x;
    for (const hiddenUnits of [0, 6]) {
      const model = createHead({ ...DEFAULT_HEAD_CONFIG, inputDim: 16, numClasses: 3, hiddenUnits, dropout: 0.5, seed: 4 });
      // Non-zero biases, so a dropped bias would show.
      for (const layer of model.layers.filter((l) => l.getClassName() === 'Dense')) {
        const [k, b] = layer.getWeights();
        const shifted = tf.tidy(() => tf.add(b!, tf.linspace(-0.5, 0.5, b!.shape[0]!)));
        layer.setWeights([k!, shifted]);
        shifted.dispose();
      }
      const before = tf.memory().numTensors;
      const got = predictProbaOnCpu(model, x, 16)!;
      expect(tf.memory().numTensors).toBe(before);
      const want = predictProba(model, x, 16);
      expect(got.length).toBe(want.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      // A weight change (the temperature folded in) is seen on the next call.
      foldTemperatureIntoHead(model, 3);
      const cooled = predictProbaOnCpu(model, x, 16)!;
      predictProba(model, x, 16).forEach((v, i) => expect(cooled[i]).toBeCloseTo(v, 6));
      expect(Math.max(...cooled.map((v, i) => Math.abs(v - got[i]!)))).toBeGreaterThan(1e-3);
      expect(predictProbaOnCpu(model, new Float32Array(16 * (CPU_HEAD_MAX_ROWS + 1)), 16)).toBeNull();
      model.dispose();
    }
    const odd = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 }), tf.layers.batchNormalization()] });
    expect(predictProbaOnCpu(odd, new Float32Array(4), 4)).toBeNull();
    odd.dispose();
  });
});
