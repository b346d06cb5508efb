// BertEncoder as a TextEncoder: fine-tuning the top layer on WASM (gathers via embeddingLookup),
// trainable variable selection, and load-time name/shape checks.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertEncoder, loadBert, safetensorsMap, bertTokenizer } from '../../src/core/encoders/bert';
import { parseBertConfig, poolingFromSentenceTransformers } from '../../src/core/encoders/bert-config';
import { FineTuner } from '../../src/core/train/finetune';
import { padBatch } from '../../src/core/tokenizers/batch';
import { tinyBertFiles, tinyJson } from '../support/tiny-bert';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('BertEncoder fine-tuning (WASM)', () => {
  it('FineTuner with k=1 overfits a tiny batch: the loss falls, no tensors leak', async () => {
    const encoder = await loadBert(tinyBertFiles());
    const texts = ['great movie loved it', 'terrible boring film', 'best acting ever', 'worst plot ever', 'wonderful story', 'awful waste of money'];
    const labels = Int32Array.from([1, 0, 1, 0, 1, 0]);
    const padded = padBatch(encoder.tokenize(texts), encoder.maxSeqLength);
    const before = tf.memory().numTensors;
    const tuner = new FineTuner(encoder, 2, { unfreezeLayers: 1, encoderLearningRate: 1e-3, headLearningRate: 1e-2, clipNorm: 5, seed: 3 });
    const hashBefore = encoder.weightsHash;
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) losses.push(await tuner.step({ ...padded, labels }));
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
    expect(await encoder.rehash()).not.toBe(hashBefore);
    tuner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  });

  it('trainableVariables(k): top-k layers; k = numLayers adds the embeddings; pooler only when pooling uses it', async () => {
    const mean = await loadBert(tinyBertFiles());
    expect(mean.trainableVariables(0)).toEqual([]);
    expect(mean.trainableVariables(1)).toHaveLength(16);
    expect(mean.trainableVariables(2)).toHaveLength(32 + 5);
    expect(() => mean.trainableVariables(3)).toThrow(/k must be an integer in 0..2; received 3/);
    const pooler = await loadBert({ ...tinyBertFiles(), pooling: { mode: 'pooler', normalize: false } });
    expect(pooler.trainableVariables(1)).toHaveLength(18);
    mean.dispose();
    pooler.dispose();
  });
});

describe('BertEncoder loading checks', () => {
  it('a wrong shape or a missing tensor is a named WeightsError naming the tensor', () => {
    const files = tinyBertFiles();
    const weights = safetensorsMap(files.safetensors);
    const tokenizer = bertTokenizer(files);
    const config = parseBertConfig(files.config);
    const before = tf.memory().numTensors;
    expect(() => new BertEncoder({ ...config, intermediate: 65 }, weights, tokenizer)).toThrow(
      expect.objectContaining({ name: 'WeightsError', code: 'shape', message: expect.stringContaining('encoder.layer.0.intermediate.dense.weight" has shape [64,32]; config.json implies [65,32]') }),
    );
    const missing = new Map(weights);
    missing.delete('encoder.layer.1.output.LayerNorm.bias');
    expect(() => new BertEncoder(config, missing, tokenizer)).toThrow(expect.objectContaining({ code: 'missing' }));
    const extra = new Map(weights);
    extra.set('encoder.layer.2.output.dense.bias', weights.get('encoder.layer.1.output.dense.bias')!);
    expect(() => new BertEncoder(config, extra, tokenizer)).toThrow(expect.objectContaining({ code: 'unused', message: expect.stringContaining('encoder.layer.2.output.dense.bias') }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('config.json and sentence-transformers pooling are read with clear errors', () => {
    expect(() => parseBertConfig({ ...(tinyJson('config.json') as object), model_type: 'roberta' })).toThrow(
      expect.objectContaining({ code: 'unknown-architecture', message: expect.stringContaining('"roberta"') }),
    );
    expect(() => parseBertConfig({ ...(tinyJson('config.json') as object), hidden_act: 'swish' })).toThrow(/hidden_act "swish"/);
    expect(poolingFromSentenceTransformers(tinyJson('modules.json'), tinyJson('1_Pooling/config.json'))).toEqual({ mode: 'mean', normalize: false });
    const normalizeModules = [...(tinyJson('modules.json') as object[]), { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }];
    expect(poolingFromSentenceTransformers(normalizeModules, { pooling_mode_cls_token: true })).toEqual({ mode: 'cls', normalize: true });
    expect(poolingFromSentenceTransformers(undefined, undefined)).toEqual({ mode: 'mean', normalize: false });
    expect(() => poolingFromSentenceTransformers(normalizeModules, { pooling_mode_max_tokens: true })).toThrow(/pooling_mode_max_tokens/);
  });
});
