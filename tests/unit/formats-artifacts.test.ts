import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { artifactsToHead, headToArtifacts } from '../../src/core/formats/tfjs-artifacts';
import { createHead, predictProba } from '../../src/core/train/head';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('tfjs artifacts', () => {
  it('round-trips a head through model.json + weights.bin with identical predictions', async () => {
    const before = tf.memory().numTensors;
    const head = createHead({ inputDim: 6, numClasses: 3, hiddenUnits: 4, dropout: 0.1, seed: 3 });
    const { modelJson, weightsBin } = await headToArtifacts(head);
    const json = modelJson as { format: string; modelTopology: unknown; weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0]!.weights.map((w) => w.shape)).toEqual([[6, 4], [4], [4, 3], [3]]);
    expect(weightsBin.length).toBe((6 * 4 + 4 + 4 * 3 + 3) * 4);
    // It survives JSON serialisation, as it does when written to a file.
    const loaded = await artifactsToHead(JSON.parse(JSON.stringify(modelJson)), weightsBin);
    const x = new Float32Array(Array.from({ length: 12 }, (_, i) => Math.sin(i)));
    expect(Array.from(predictProba(loaded, x, 6))).toEqual(Array.from(predictProba(head, x, 6)));
    // A second load in the same process (weight-name collisions) still works.
    const again = await artifactsToHead(modelJson, weightsBin);
    expect(Array.from(predictProba(again, x, 6))).toEqual(Array.from(predictProba(head, x, 6)));
    [head, loaded, again].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model.json without topology or with a weights.bin of the wrong size', async () => {
    const before = tf.memory().numTensors;
    const head = createHead({ inputDim: 2, numClasses: 2, hiddenUnits: 0, dropout: 0, seed: 1 });
    const { modelJson, weightsBin } = await headToArtifacts(head);
    head.dispose();
    await expect(artifactsToHead({ weightsManifest: [] }, weightsBin)).rejects.toMatchObject({ name: 'FormatError', code: 'invalid-model' });
    await expect(artifactsToHead(modelJson, weightsBin.subarray(4))).rejects.toThrow(/needs 24 bytes, weights.bin has 20/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
