import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUseLite, type UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { fineTune, lengthBucketedBatches, type FineTuneCheckpoint, type FineTuneRunConfig } from '../../src/core/train/finetune-run';
import { warmupLinearDecay } from '../../src/core/train/schedule';
import { mulberry32 } from '../../src/core/data/random';
import { readUseFiles } from '../support/use-files';

const POS = ['great film, loved it', 'wonderful and moving', 'a joy from start to end', 'brilliant acting', 'I adored it', 'superb'];
const NEG = ['awful film, hated it', 'boring and dreadful', 'a mess from start to end', 'wooden acting', 'I loathed it', 'terrible'];
const DATA = {
  trainTexts: [...POS.slice(0, 4), ...NEG.slice(0, 4)],
  trainY: Int32Array.from([1, 1, 1, 1, 0, 0, 0, 0]),
  valTexts: [...POS.slice(4), ...NEG.slice(4)],
  valY: Int32Array.from([1, 1, 0, 0]),
  numClasses: 2,
};
const CONFIG: FineTuneRunConfig = {
  unfreezeLayers: 1, encoderLearningRate: 1e-4, headLearningRate: 3e-2, clipNorm: 1, seed: 5,
  epochs: 3, batchSize: 4, warmupFraction: 0.1, patience: 0, classWeights: true,
};

let encoder: UseLiteEncoder;
beforeAll(async () => {
  await tf.setBackend('wasm');
  encoder = await loadUseLite(readUseFiles());
});

async function reset(): Promise<void> {
  const fresh = await loadUseLite(readUseFiles());
  encoder.assignWeights(fresh.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape, data: w.tensor.dataSync() as Float32Array })));
  fresh.dispose();
}

describe('schedule', () => {
  it('warms up linearly, then decays linearly to zero', () => {
    const s = Array.from({ length: 10 }, (_, i) => warmupLinearDecay(i, 10, 0.2));
    expect(s[0]).toBe(0.5);
    expect(s[1]).toBe(1);
    expect(s[9]).toBeCloseTo(1 / 8, 10);
    expect(s[2]).toBe(1);
    for (let i = 3; i < 10; i++) expect(s[i]).toBeLessThan(s[i - 1]);
    expect(() => warmupLinearDecay(0, 0, 0.1)).toThrow(/totalSteps/);
  });

  it('buckets batches by length and covers every row once', () => {
    const ids = Array.from({ length: 50 }, (_, i) => Array(i % 17).fill(1));
    const batches = lengthBucketedBatches(ids, 4, mulberry32(1));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from(ids.keys()));
    expect(batches.every((b) => b.length <= 4)).toBe(true);
  });
});

describe('fineTune (USE-lite, top layer, WASM)', () => {
  it('trains, checkpoints every epoch, restores the best epoch and leaks nothing', async () => {
    await reset();
    const before = tf.memory().numTensors;
    const checkpoints: FineTuneCheckpoint[] = [];
    const steps: number[] = [];
    const result = await fineTune(encoder, DATA, CONFIG, {
      onCheckpoint: async (c) => void checkpoints.push(c),
      onStep: (_s, _t, loss) => steps.push(loss),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(steps.length).toBe(6);
    expect(steps[steps.length - 1]).toBeLessThan(steps[0]);
    expect(result.history[2].valLoss).toBeLessThan(result.history[0].valLoss);
    expect(result.metrics.accuracy).toBe(1);
    // Only the unfrozen layer travels in a checkpoint.
    expect(checkpoints[0].encoder.every((w) => !w.name.includes('Layer_0') && w.name !== 'module/Embeddings_en')).toBe(true);
    expect(checkpoints[0].encoder.length).toBe(encoder.trainableVariables(1).length);
    const best = checkpoints[result.bestEpoch - 1];
    expect(Array.from(result.head.kernel)).toEqual(Array.from(best.head.kernel));
  });

  it('resumes from a checkpoint: continues at the next epoch with the saved weights and history', async () => {
    await reset();
    const checkpoints: FineTuneCheckpoint[] = [];
    await fineTune(encoder, DATA, { ...CONFIG, epochs: 1 }, { onCheckpoint: async (c) => void checkpoints.push(c) });
    await reset(); // as after a reload: fresh encoder weights
    const epochs: number[] = [];
    const resumed = await fineTune(encoder, DATA, { ...CONFIG, epochs: 2 }, { onEpoch: (l) => epochs.push(l.epoch) }, checkpoints[0]);
    expect(epochs).toEqual([2]);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(resumed.history[0]).toEqual(checkpoints[0].history[0]);
  });

  it('fine-tunes a 150-label head (an intent set: 2 training rows and 1 validation row per label) without leaks', async () => {
    await reset();
    const L = 150;
    const word = (c: number, r: number) => `${['card', 'transfer', 'refund', 'pin', 'atm'][c % 5]} ${['ka', 'lo', 'mi', 'ra', 'tu'][Math.floor(c / 5) % 5]}${['ne', 'sa', 'po', 'di', 've', 'gu'][Math.floor(c / 25)]} ${['please', 'now', 'help'][r]}`;
    const rows = (r: number) => Array.from({ length: L }, (_, c) => word(c, r));
    const data = {
      trainTexts: [...rows(0), ...rows(1)], trainY: Int32Array.from([...Array(L).keys(), ...Array(L).keys()]),
      valTexts: rows(2), valY: Int32Array.from(Array(L).keys()), numClasses: L,
    };
    const before = tf.memory().numTensors;
    const result = await fineTune(encoder, data, { ...CONFIG, epochs: 1, batchSize: 32, headLearningRate: 1e-2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.head.kernel.length).toBe(encoder.dim * L);
    expect(result.head.bias.length).toBe(L);
    expect(result.metrics.perClass).toHaveLength(L);
    expect(result.history[0]!.valLoss).toBeLessThan(Math.log(L) + 0.5); // finite, near or below chance's log-loss
  });

  it('stops on a non-finite loss with a clear message and keeps the last good weights', async () => {
    await reset();
    const checkpoints: FineTuneCheckpoint[] = [];
    await fineTune(encoder, DATA, { ...CONFIG, epochs: 1 }, { onCheckpoint: async (c) => void checkpoints.push(c) });
    const good = checkpoints[0];
    const result = await fineTune(encoder, DATA, { ...CONFIG, epochs: 3, headLearningRate: NaN }, {}, good);
    expect(result.stopReason).toBe('non-finite-loss');
    expect(result.message).toMatch(/loss became NaN/);
    expect(Array.from(result.head.kernel)).toEqual(Array.from(good.head.kernel));
    const byName = new Map(encoder.namedWeights().map((w) => [w.name, w.tensor]));
    const w = good.encoder[0];
    expect(Array.from(byName.get(w.name)!.dataSync())).toEqual(Array.from(w.data));
  });
});
