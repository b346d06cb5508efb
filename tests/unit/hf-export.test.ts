// Export to the Hugging Face format and back, on the tiny BERT after a little fine-tuning:
// tensor names and shapes equal BertForSequenceClassification's (fixture), and the re-imported
// encoder + head predict what the original did.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBert, type BertEncoder } from '../../src/core/encoders/bert';
import { exportHfClassifier, hfClassifierFiles, importHfClassifier } from '../../src/core/formats/hf-export';
import { decodeSafetensors } from '../../src/core/formats/safetensors';
import { padBatch } from '../../src/core/tokenizers/batch';
import { FineTuner } from '../../src/core/train/finetune';
import { referencePoolerOutput } from '../support/bert-reference';
import { TINY_REFERENCE, TINY_TEXTS, tinyBertFiles, tinyJson } from '../support/tiny-bert';

interface KeySpec { name: string; shape: string[] }
const KEYS = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/bert-for-sequence-classification-keys.json'), 'utf8')) as Record<'embeddings' | 'layer' | 'pooler_and_head', KeySpec[]>;

/** The fixture expanded for a config: name → shape. */
function expectedKeys(config: Record<string, number>, numLabels: number): Record<string, number[]> {
  const dims = { ...config, num_labels: numLabels };
  const out: Record<string, number[]> = {};
  const put = (k: KeySpec, i?: number) => (out[k.name.replace('{i}', String(i))] = k.shape.map((d) => dims[d as keyof typeof dims]));
  KEYS.embeddings.forEach((k) => put(k));
  for (let i = 0; i < config.num_hidden_layers; i++) KEYS.layer.forEach((k) => put(k, i));
  KEYS.pooler_and_head.forEach((k) => put(k));
  return out;
}

async function predict(encoder: BertEncoder, tuner: FineTuner, texts: string[]): Promise<Float32Array> {
  const p = padBatch(encoder.tokenize(texts), encoder.maxSeqLength);
  return tuner.predict(p.ids, p.mask, p.batch, p.seqLength);
}

const LABELS = ['negative', 'neutral', 'positive'];
const TRAIN = { texts: ['great movie', 'it was "fine", i guess', 'awful\nfilm'], labels: ['positive', 'neutral', 'negative'] };

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('Hugging Face export / import (tiny BERT)', () => {
  it('round trip: names and shapes match BertForSequenceClassification; predictions equal within 1e-5', async () => {
    const before = tf.memory().numTensors;
    const encoder = await loadBert(tinyBertFiles());
    const tuner = new FineTuner(encoder, 3, { unfreezeLayers: 1, encoderLearningRate: 1e-3, headLearningRate: 1e-2, clipNorm: 5, seed: 1 });
    const batch = padBatch(encoder.tokenize(TRAIN.texts), encoder.maxSeqLength);
    for (let s = 0; s < 3; s++) await tuner.step({ ...batch, labels: Int32Array.from([2, 1, 0]) });
    const original = await predict(encoder, tuner, TINY_TEXTS);
    const head = { kernel: (await tuner.headKernel.data()) as Float32Array, bias: (await tuner.headBias.data()) as Float32Array, labels: LABELS };

    const zip = await exportHfClassifier({ encoder, head, tokenizerJson: tinyJson('tokenizer.json'), trainingData: TRAIN });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'train.csv', 'train.py', 'vocab.txt']);
    const config = JSON.parse(strFromU8(files['config.json']));
    expect(config).toMatchObject({ architectures: ['BertForSequenceClassification'], model_type: 'bert', id2label: { 0: 'negative', 2: 'positive' }, label2id: { neutral: 1 }, texttune: { pooling: { mode: 'mean', normalize: false } } });
    const decoded = decodeSafetensors(files['model.safetensors']);
    expect(decoded.metadata).toEqual({ format: 'pt' });
    const got = Object.fromEntries(decoded.tensors.map((t) => [t.name, t.shape]));
    expect(got).toEqual(expectedKeys(tinyJson('config.json') as Record<string, number>, 3));
    expect(strFromU8(files['train.csv'])).toBe('text,label\r\ngreat movie,positive\r\n"it was ""fine"", i guess",neutral\r\n"awful\nfilm",negative\r\n');
    expect(strFromU8(files['train.py'])).toContain('Trainer(');

    const imported = await importHfClassifier(zip);
    expect(imported.head.labels).toEqual(LABELS);
    expect(imported.encoder.pooling).toEqual(encoder.pooling);
    expect(imported.encoder.weightsHash).toBe(await encoder.rehash());
    const kernel = tf.tensor2d(imported.head.kernel, [imported.encoder.dim, 3]);
    const bias = tf.tensor1d(imported.head.bias);
    const tuner2 = new FineTuner(imported.encoder, 3, { ...tuner.config, unfreezeLayers: 0 }, { kernel, bias });
    tf.dispose([kernel, bias]);
    const again = await predict(imported.encoder, tuner2, TINY_TEXTS);
    for (let i = 0; i < original.length; i++) expect(Math.abs(again[i] - original[i])).toBeLessThan(1e-5);

    tuner.dispose();
    tuner2.dispose();
    encoder.dispose();
    imported.encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a stock BertForSequenceClassification (no "texttune" field) pools like transformers: classifier(tanh(pooler(CLS)))', async () => {
    const encoder = await loadBert(tinyBertFiles());
    const head = { kernel: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)), bias: Float32Array.from([0.1, -0.1]), labels: ['a', 'b'] };
    const files = await hfClassifierFiles({ encoder, head });
    const config = JSON.parse(strFromU8(files['config.json']));
    delete config.texttune;
    const imported = await importHfClassifier({ ...files, 'config.json': new TextEncoder().encode(JSON.stringify(config)) });
    expect(imported.encoder.pooling).toEqual({ mode: 'pooler', normalize: false });
    const weights = new Map(decodeSafetensors(files['model.safetensors']).tensors.map((t) => [t.name, t.data]));
    const ids = imported.encoder.tokenize(TINY_TEXTS.slice(0, 2));
    const emb = await imported.encoder.embedTexts(TINY_TEXTS.slice(0, 2));
    ids.forEach((row, r) => {
      const want = referencePoolerOutput(weights, TINY_REFERENCE, row);
      for (let d = 0; d < 32; d++) expect(Math.abs(emb[r * 32 + d] - want[d])).toBeLessThan(1e-4);
    });
    encoder.dispose();
    imported.encoder.dispose();
  });

  it('import errors name what is missing', async () => {
    await expect(importHfClassifier({ 'README.md': new Uint8Array(1) })).rejects.toMatchObject({ name: 'FormatError', code: 'invalid-model', message: expect.stringContaining('config.json is missing; found README.md') });
    await expect(importHfClassifier(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'invalid-model', message: expect.stringContaining('not a readable zip') });
  });
});
