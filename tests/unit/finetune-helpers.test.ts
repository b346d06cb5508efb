import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { estimateFineTuneSeconds, medianLengthBatch } from '../../src/core/train/estimate';
import { encoderWeightsFromSafetensors, encoderWeightsToSafetensors } from '../../src/core/formats/encoder-weights';
import { encodeSafetensors } from '../../src/core/formats/safetensors';
import { EncoderWeightState, unfrozenWeightNames } from '../../src/worker/encoder-weights';
import { tunedWeightsHash } from '../../src/core/encoders/params';
import type { TextEncoder as TunableEncoder } from '../../src/core/encoders/types';
import { toEpochLog } from '../../src/worker/finetune-jobs';

describe('estimateFineTuneSeconds', () => {
  it('is epochs × (steps × step time + validation batches × eval time) plus the final evaluation', () => {
    const est = estimateFineTuneSeconds({ stepSeconds: 0.5, evalBatchSeconds: 0.1 }, { trainRows: 34, valRows: 6, batchSize: 4, epochs: 3 });
    expect(est.stepsPerEpoch).toBe(9);
    expect(est.evalBatchesPerEpoch).toBe(2);
    expect(est.totalSeconds).toBeCloseTo(3 * (9 * 0.5 + 2 * 0.1) + 2 * 0.1, 10);
  });

  it('names the bad argument', () => {
    expect(() => estimateFineTuneSeconds({ stepSeconds: NaN, evalBatchSeconds: 0 }, { trainRows: 1, valRows: 1, batchSize: 1, epochs: 1 })).toThrow(/stepSeconds/);
    expect(() => estimateFineTuneSeconds({ stepSeconds: 1, evalBatchSeconds: 0 }, { trainRows: 1, valRows: 1, batchSize: 0, epochs: 1 })).toThrow(/batchSize/);
  });
});

describe('medianLengthBatch', () => {
  it('takes batchSize rows around the median length', () => {
    const lengths = [1, 9, 5, 3, 7, 2, 8, 4, 6];
    const rows = medianLengthBatch(lengths, 3);
    expect(rows.map((r) => lengths[r]).sort()).toEqual([4, 5, 6]);
  });
  it('returns every row when the batch is larger than the data', () => {
    expect(medianLengthBatch([3, 1], 8).sort()).toEqual([0, 1]);
  });
});

describe('encoder weights as safetensors', () => {
  it('round-trips names, shapes and values exactly', () => {
    const weights = [
      { name: 'module/Layer_5/kernel', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) },
      { name: 'module/Layer_5/bias', shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) },
    ];
    // The file orders tensors its own way; weights load by name.
    const back = new Map(encoderWeightsFromSafetensors(encoderWeightsToSafetensors(weights, { note: 'x' })).map((w) => [w.name, w]));
    expect(back.size).toBe(2);
    for (const w of weights) {
      expect(back.get(w.name)!.shape).toEqual(w.shape);
      expect(Array.from(back.get(w.name)!.data)).toEqual(Array.from(w.data));
    }
  });
  it('refuses a shape that does not match the values, and integer tensors', () => {
    expect(() => encoderWeightsToSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }])).toThrow(/"w" has 3 values/);
    const ints = encodeSafetensors([{ name: 'ids', dtype: 'I32', shape: [2], data: Int32Array.from([1, 2]) }]);
    expect(() => encoderWeightsFromSafetensors(ints)).toThrow(/"ids" has dtype I32/);
  });
});

/** A two-weight "encoder": enough to check that overlays apply, verify and restore exactly. */
function fakeEncoder(): TunableEncoder {
  const a = tf.variable(tf.tensor1d([1, 2, 3]), false, `fake/a/${Math.random()}`);
  const b = tf.variable(tf.tensor1d([10, 20]), false, `fake/b/${Math.random()}`);
  const named = [{ name: 'a', tensor: a }, { name: 'b', tensor: b }];
  const enc = {
    id: 'fake', weightsHash: '', dim: 2, maxSeqLength: 4, numLayers: 1, tokenizerName: 'fake',
    encodeIds: () => [1],
    embedTexts: async () => new Float32Array(2),
    forward: () => { throw new Error('unused'); },
    trainableVariables: (k: number) => (k === 0 ? [] : [b]),
    dispose: () => tf.dispose([a, b]),
    namedWeights: () => named,
    assignWeights: (ws: { name: string; shape: number[]; data: Float32Array }[]) => {
      for (const w of ws) {
        const v = named.find((n) => n.name === w.name)?.tensor;
        if (!v) throw new Error(`no encoder weight named "${w.name}"`);
        tf.tidy(() => v.assign(tf.tensor(w.data, v.shape)));
      }
    },
    async rehash() {
      enc.weightsHash = [...a.dataSync(), ...b.dataSync()].join(',');
      return enc.weightsHash;
    },
  };
  return enc as TunableEncoder;
}

describe('EncoderWeightState', () => {
  it('applies a run’s weights, checks its hash and restores the pristine ones exactly', async () => {
    await tf.setBackend('cpu');
    const enc = fakeEncoder();
    await enc.rehash();
    const pristine = enc.weightsHash;
    const state = new EncoderWeightState(enc, pristine);
    const before = tf.memory().numTensors;
    expect(unfrozenWeightNames(enc, 1)).toEqual(['b']);

    const overlay = { key: 'run-1', hash: '1,2,3,11,22', weights: [{ name: 'b', shape: [2], data: Float32Array.from([11, 22]) }] };
    expect(await state.use(overlay, async (e) => e.weightsHash)).toBe('1,2,3,11,22');
    expect(await state.use(null, async (e) => e.weightsHash)).toBe(pristine);

    const wrong = { ...overlay, key: 'run-2', hash: 'something else' };
    await expect(state.use(wrong, async () => 'unreachable')).rejects.toMatchObject({ code: 'BUNDLE_MISMATCH' });
    expect(await state.use(null, async (e) => e.weightsHash)).toBe(pristine);
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
  });

  it('checks a run recorded with H(base ‖ tuned weights) without hashing the whole encoder, and restores without hashing', async () => {
    await tf.setBackend('cpu');
    const enc = fakeEncoder();
    const pristine = await enc.rehash();
    let rehashes = 0;
    const full = enc.rehash.bind(enc);
    enc.rehash = async () => {
      rehashes++;
      return full();
    };
    const state = new EncoderWeightState(enc, pristine);
    const weights = [{ name: 'b', shape: [2], data: Float32Array.from([11, 22]) }];
    const hash = await tunedWeightsHash(pristine, weights);
    expect(hash).not.toBe(await tunedWeightsHash(pristine, [{ ...weights[0]!, data: Float32Array.from([11, 23]) }]));
    expect(hash).not.toBe(await tunedWeightsHash('other base', weights));
    expect(await state.use({ key: 'run-1', hash, weights }, async (e) => e.weightsHash)).toBe(hash);
    expect(await state.use(null, async (e) => e.weightsHash)).toBe(pristine);
    expect(rehashes).toBe(0);
    // The values really went back.
    expect(Array.from(enc.namedWeights()[1]!.tensor.dataSync())).toEqual([10, 20]);
    enc.dispose();
  });

  it('a tuning session holds the encoder alone and its changes are undone afterwards', async () => {
    await tf.setBackend('cpu');
    const enc = fakeEncoder();
    const pristine = await enc.rehash();
    const state = new EncoderWeightState(enc, pristine);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tuning = state.use(null, async (e) => {
      (e as TunableEncoder).assignWeights([{ name: 'b', data: Float32Array.from([-1, -1]) }]);
      await gate;
      return (e as TunableEncoder).rehash();
    }, { names: ['b'], what: 'the encoder is being fine-tuned' });
    await expect(state.use(null, async () => 1)).rejects.toMatchObject({ code: 'BUSY', message: /being fine-tuned/ });
    release();
    expect(await tuning).toBe('1,2,3,-1,-1');
    expect(await state.use(null, async (e) => e.weightsHash)).toBe(pristine);
    enc.dispose();
  });

  it('serialises uses: an await inside one never sees another run’s weights', async () => {
    await tf.setBackend('cpu');
    const enc = fakeEncoder();
    const state = new EncoderWeightState(enc, await enc.rehash());
    const one = { key: 'one', hash: '1,2,3,1,1', weights: [{ name: 'b', shape: [2], data: Float32Array.from([1, 1]) }] };
    const two = { key: 'two', hash: '1,2,3,2,2', weights: [{ name: 'b', shape: [2], data: Float32Array.from([2, 2]) }] };
    const seen = await Promise.all([
      state.use(one, async (e) => { await new Promise((r) => setTimeout(r, 20)); return e.weightsHash; }),
      state.use(two, async (e) => e.weightsHash),
      state.use(one, async (e) => e.weightsHash),
    ]);
    expect(seen).toEqual(['1,2,3,1,1', '1,2,3,2,2', '1,2,3,1,1']);
    enc.dispose();
  });
});

describe('toEpochLog', () => {
  it('keeps numTensors and the encoder rate, and says train accuracy was not measured (NaN)', () => {
    const log = toEpochLog({ epoch: 2, trainLoss: 0.5, valLoss: 0.6, valAcc: 0.7, valMacroF1: 0.65, seconds: 3, encoderLearningRate: 1e-5, numTensors: 321 });
    expect(log).toMatchObject({ epoch: 2, numTensors: 321, encoderLearningRate: 1e-5 });
    expect(Number.isNaN(log.trainAcc)).toBe(true);
  });
});
