import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createHead } from '../../src/core/train/head';
import { headToArtifacts } from '../../src/core/formats/tfjs-artifacts';
import { decodeSafetensors, encodeSafetensors } from '../../src/core/formats/safetensors';
import { readBundle, writeBundle } from '../../src/core/formats/bundle';
import { strFromU8, unzipSync } from 'fflate';
import { loadBert } from '../../src/core/encoders/bert';
import { bundleReadError, exportFiles, headTensors, importedRunName, runMetadata, runTokenizer } from '../../src/worker/exporter';
import { checkConfig } from '../../src/worker/trainer';
import type { ModelRecord, RunRecord } from '../../src/storage/db';
import { tinyBertFiles } from '../support/tiny-bert';

const run: RunRecord = {
  id: 'run-1',
  name: 'reviews · today',
  createdAt: Date.UTC(2025, 0, 2),
  datasetId: 'ds-1',
  datasetName: 'reviews',
  encoderId: 'use-lite',
  encoderHash: 'ab'.repeat(32),
  embeddingDim: 8,
  maxSeqLength: 128,
  tokenizer: 'sentencepiece (USE-lite vocabulary)',
  labels: ['negative', 'positive'],
  config: { valFraction: 0.15, seed: 1, epochs: 3, batchSize: 4, learningRate: 0.01, hiddenUnits: 4, dropout: 0.1, classWeights: true, patience: 0, maxWindows: 1, windowOverlap: 0 },
  metrics: { accuracy: 0.75, macroF1: 0.7, perClass: [], confusion: [[1, 0], [1, 2]] },
  bestEpoch: 2,
  epochsRun: 3,
  stoppedEarly: false,
  stoppedByUser: false,
  backend: 'cpu',
  imported: false,
  history: [],
  misclassified: [],
};

describe('exporter', () => {
  it('writes every head weight to safetensors by name, with the exact values', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const model = createHead({ inputDim: 8, numClasses: 2, hiddenUnits: 4, dropout: 0.1, seed: 3 });
    try {
      const artifacts = await headToArtifacts(model);
      const tensors = headTensors({ runId: run.id, modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights: null });
      expect(tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual(model.weights.map((w) => `${w.name}:${w.shape.join('x')}`));
      const decoded = decodeSafetensors(encodeSafetensors(tensors, { format: 'pt' }));
      const byName = new Map(decoded.tensors.map((t) => [t.name, Array.from(t.data)]));
      model.weights.forEach((w) => expect(byName.get(w.name)).toEqual(Array.from(w.read().dataSync())));
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds metadata that the bundle format accepts and returns unchanged', async () => {
    const md = runMetadata(run);
    expect(md.encoder).toEqual({ id: 'use-lite', weightsHash: run.encoderHash, maxSeqLength: 128, tokenizer: expect.stringMatching(/sentencepiece/) });
    const bytes = await writeBundle({ metadata: md, head: { modelJson: { modelTopology: {}, weightsManifest: [] }, weightsBin: new Uint8Array(0) } });
    expect((await readBundle(bytes)).metadata).toEqual(md);
  });

  it("names a BERT run's tokenizer, as its encoder does, in the bundle, the tfjs zip and the safetensors", async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const encoder = await loadBert(tinyBertFiles('f32'));
    const head = createHead({ inputDim: encoder.dim, numClasses: 2, hiddenUnits: 0, dropout: 0, seed: 3 });
    try {
      // In words, from the encoder's own tokenizer (the tiny BERT's lower-cases, like bert-base-uncased).
      expect(encoder.tokenizerName).toMatch(/^wordpiece \(\d+ tokens, lowercased\)$/);
      const artifacts = await headToArtifacts(head);
      const bertRun: RunRecord = { ...run, encoderId: 'hf:owner/tiny-bert@main', embeddingDim: encoder.dim, maxSeqLength: encoder.maxSeqLength, tokenizer: encoder.tokenizerName };
      const model: ModelRecord = { runId: bertRun.id, modelJson: artifacts.modelJson, weightsBin: artifacts.weightsBin, encoderWeights: null };

      const bundle = await readBundle((await exportFiles(bertRun, model, 'bundle')).bytes);
      expect(bundle.metadata.encoder).toEqual({ id: 'hf:owner/tiny-bert@main', weightsHash: run.encoderHash, maxSeqLength: encoder.maxSeqLength, tokenizer: encoder.tokenizerName });
      const zip = unzipSync((await exportFiles(bertRun, model, 'tfjs-zip')).bytes);
      expect(JSON.parse(strFromU8(zip['metadata.json']!)).encoder.tokenizer).toBe(encoder.tokenizerName);
      const st = decodeSafetensors((await exportFiles(bertRun, model, 'safetensors')).bytes);
      expect(JSON.parse(st.metadata.texttune!).encoder.tokenizer).toBe(encoder.tokenizerName);
    } finally {
      head.dispose();
      encoder.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('asks the encoder for the tokenizer of a run stored before runs recorded it', async () => {
    const { tokenizer: _t, ...legacy } = run;
    const asked: string[] = [];
    const lookup = async (id: string) => (asked.push(id), 'wordpiece (30522 tokens, lowercased)');
    expect(await runTokenizer(run, lookup)).toBe(run.tokenizer);
    expect(asked).toEqual([]);
    expect(await runTokenizer(legacy, lookup)).toBe('wordpiece (30522 tokens, lowercased)');
    expect(asked).toEqual(['use-lite']);
    // An encoder that cannot be loaded (deleted, offline) leaves the export possible.
    expect(await runTokenizer(legacy, () => Promise.reject(new Error('offline')))).toBe('unknown');
  });

  it('refuses hyper-parameters out of range, naming the field and the value', () => {
    expect(() => checkConfig({ ...run.config, epochs: 0 })).toThrow('epochs must be from 1 to 500, got 0');
    expect(() => checkConfig({ ...run.config, valFraction: 1 })).toThrow(/valFraction/);
    expect(() => checkConfig(run.config)).not.toThrow();
  });
});

describe('import bundle: why a file is refused', () => {
  it('says a file that is not a zip is not one, in plain words, without the reader\'s name', async () => {
    const message = await readBundle(new TextEncoder().encode('text,label\nhi,pos\n')).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/^readBundle: .*end-of-central-directory/);
    const said = bundleReadError('mine.csv', message);
    expect(said).toBe('mine.csv is not a valid TextTune bundle: it is not a zip file. A bundle is the .texttune.zip file that Export → “Download bundle” saves.');
    expect(bundleReadError('x.zip', 'readBundle: the archive has no manifest.json')).toBe('x.zip is not a valid TextTune bundle: the archive has no manifest.json');
  });
});

describe('importedRunName', () => {
  it('marks an imported run once, so it can be told from the run it was exported from', () => {
    expect(importedRunName('reviews · 11/29/2026')).toBe('reviews · 11/29/2026 (imported)');
    expect(importedRunName('reviews (imported)')).toBe('reviews (imported)');
  });
});
