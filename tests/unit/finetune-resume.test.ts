// A fine-tune interrupted after an epoch (tab crash) and resumed from its checkpoint must be the
// run it continues: same weights as an uninterrupted run with the same seed (issue 9). Adam's
// moments and step count travel in the checkpoint; without them the resumed run diverges.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBert } from '../../src/core/encoders/bert';
import { fineTune, type FineTuneCheckpoint, type FineTuneRunConfig } from '../../src/core/train/finetune-run';
import { tinyBertFiles } from '../support/tiny-bert';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

const POS = ['great movie loved it', 'best acting ever', 'wonderful story', 'beautiful music', 'amazing film', 'excellent plot'];
const NEG = ['terrible boring film', 'worst plot ever', 'awful waste of money', 'bad acting', 'boring scenes', 'poor script'];
const DATA = {
  trainTexts: [...POS.slice(0, 4), ...NEG.slice(0, 4)],
  trainY: Int32Array.from([1, 1, 1, 1, 0, 0, 0, 0]),
  valTexts: [...POS.slice(4), ...NEG.slice(4)],
  valY: Int32Array.from([1, 1, 0, 0]),
  numClasses: 2,
};
const CONFIG: FineTuneRunConfig = {
  unfreezeLayers: 1, encoderLearningRate: 1e-3, headLearningRate: 3e-2, clipNorm: 1, seed: 9,
  epochs: 3, batchSize: 4, warmupFraction: 0.1, patience: 0, classWeights: true,
};

class Crash extends Error {}

async function run(resumeFrom?: FineTuneCheckpoint, crashAfter?: number, dropOptimizer = false): Promise<FineTuneCheckpoint[]> {
  const encoder = await loadBert(tinyBertFiles());
  const checkpoints: FineTuneCheckpoint[] = [];
  const from = resumeFrom && dropOptimizer ? { ...resumeFrom, optimizer: undefined } : resumeFrom;
  try {
    await fineTune(encoder, DATA, CONFIG, {
      onCheckpoint: async (c) => {
        checkpoints.push(c);
        if (c.epoch === crashAfter) throw new Crash();
      },
    }, from);
  } catch (err) {
    if (!(err instanceof Crash)) throw err;
  } finally {
    encoder.dispose();
  }
  return checkpoints;
}

function maxDiff(a: FineTuneCheckpoint, b: FineTuneCheckpoint): number {
  let d = 0;
  const arrays = (c: FineTuneCheckpoint) => [c.head.kernel, c.head.bias, ...c.encoder.map((w) => w.data)];
  const [x, y] = [arrays(a), arrays(b)];
  expect(x.length).toBe(y.length);
  x.forEach((arr, i) => arr.forEach((v, j) => (d = Math.max(d, Math.abs(v - y[i]![j]!)))));
  return d;
}

describe('fine-tune resume (tiny BERT, WASM)', () => {
  it('a run resumed after a crash at epoch 1 reaches the weights of the uninterrupted run; without Adam state it does not', async () => {
    const before = tf.memory().numTensors;
    const whole = await run();
    expect(whole.map((c) => c.epoch)).toEqual([1, 2, 3]);
    const crashed = await run(undefined, 1);
    expect(crashed).toHaveLength(1);
    const saved = crashed[0]!;
    expect(saved.optimizer!.head.iterations).toBe(2);
    expect(saved.optimizer!.encoder.moments.map((m) => m.name).sort()).toEqual(saved.encoder.map((w) => w.name).sort());
    // Through structured clone, as IndexedDB stores it.
    const resumed = await run(structuredClone(saved));
    expect(resumed.map((c) => c.epoch)).toEqual([2, 3]);
    expect(maxDiff(resumed.at(-1)!, whole.at(-1)!)).toBeLessThan(1e-6); // 0 on WASM here
    expect(resumed.at(-1)!.optimizer!.head.iterations).toBe(6);

    const fresh = await run(structuredClone(saved), undefined, true);
    expect(maxDiff(fresh.at(-1)!, whole.at(-1)!)).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
