import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUseLite, UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { readWeights, WeightsError } from '../../src/core/encoders/weights';
import { padBatch } from '../../src/core/tokenizers/batch';
import { buildCorpus, mulberry32 } from '../support/corpus';
import { loadStockGraph, readUseFiles, referenceTokenizer, stockEmbed } from '../support/use-files';

const files = readUseFiles();

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('USE-lite encoder: parity with the stock GraphModel (WASM)', () => {
  it('matches the graph within 1e-4 on 500 texts of varied length, fed the reference ids', async () => {
    const encoder = await loadUseLite(files);
    const graph = await loadStockGraph(files);
    const reference = referenceTokenizer(files.vocab);
    // Mostly prefixes of the corpus texts, so lengths spread over 0..128 tokens (and some beyond).
    const rand = mulberry32(5);
    const texts = buildCorpus(500, 5).map((t) => (rand() < 0.1 ? t : t.slice(0, Math.floor(rand() * 500))));
    const ids = texts.map((t) => reference.encode(t));
    const lengths = ids.map((x) => Math.min(x.length, 128));
    expect(Math.min(...lengths)).toBe(0);
    expect(Math.max(...lengths)).toBe(128);
    expect(new Set(lengths).size).toBeGreaterThan(60);
    // Batches of similar length, as the app runs them.
    const order = Array.from(ids.keys()).sort((a, b) => lengths[a] - lengths[b]);
    const before = tf.memory().numTensors;
    let maxDiff = 0;
    for (let s = 0; s < order.length; s += 50) {
      const rows = order.slice(s, s + 50);
      const expected = await stockEmbed(graph, rows.map((r) => ids[r]));
      const padded = padBatch(rows.map((r) => ids[r]), encoder.maxSeqLength);
      const idT = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
      const maskT = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength]);
      const got = encoder.forward(idT, maskT);
      const [e, g] = [await expected.data(), await got.data()];
      for (let i = 0; i < e.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e[i] - g[i]));
      tf.dispose([expected, got, idT, maskT]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    graph.dispose();
    encoder.dispose();
    // Two models over 500 texts: ~60 s on a quiet 2-core machine, over 120 s when it is shared.
  }, 300_000);

  it('embedTexts tokenizes, batches by length and returns unit vectors without leaking tensors', async () => {
    const encoder = await loadUseLite(files);
    const texts = ['I loved this film.', 'Terrible, boring, far too long.', '', 'ok'];
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    // forward()'s path (reference) goes by batches; on WASM the CPU path goes by chunks of rows (use-lite-cpu.test.ts).
    const out = await encoder.embedTexts(texts, { batchSize: 3, reference: true, onProgress: (done) => progress.push(done) });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.length).toBe(texts.length * 512);
    for (let i = 0; i < texts.length; i++) {
      const norm = Math.hypot(...out.subarray(i * 512, (i + 1) * 512));
      expect(norm).toBeCloseTo(1, 4);
    }
    expect(progress).toEqual([3, 4]);
    // Batching must not change an embedding.
    const single = await encoder.embedTexts([texts[1]], { reference: true });
    let d = 0;
    for (let k = 0; k < 512; k++) d = Math.max(d, Math.abs(single[k] - out[512 + k]));
    expect(d).toBeLessThan(1e-5);
    encoder.dispose();
  });

  it('truncates long texts to maxSeqLength, or chunks and averages them', async () => {
    const long = buildCorpus(400, 9).find((t) => t.length > 6000)!;
    const truncating = await loadUseLite(files, { maxSeqLength: 64 });
    const chunking = await loadUseLite(files, { maxSeqLength: 64, longText: 'chunk' });
    const ids = truncating.tokenizer.encode(long);
    expect(ids.length).toBeGreaterThan(200);
    const first = tf.tidy(() => {
      const p = padBatch([ids.slice(0, 64)], 64);
      return truncating.forward(tf.tensor2d(p.ids, [1, 64], 'int32'), tf.tensor2d(p.mask, [1, 64]));
    });
    const truncated = await truncating.embedTexts([long]);
    const firstData = await first.data();
    first.dispose();
    expect(Math.max(...truncated.map((v, i) => Math.abs(v - firstData[i])))).toBeLessThan(1e-5);
    const { windows } = chunking.tokenize([long]);
    expect(windows.length).toBe(Math.ceil(ids.length / 64));
    const chunked = await chunking.embedTexts([long]);
    // The chunked embedding is the re-normalised mean of the window embeddings.
    const mean = new Float32Array(512);
    for (const w of windows) {
      const p = padBatch([w], 64);
      const e = tf.tidy(() => chunking.forward(tf.tensor2d(p.ids, [1, p.seqLength], 'int32'), tf.tensor2d(p.mask, [1, p.seqLength])));
      const data = await e.data();
      e.dispose();
      data.forEach((v, k) => (mean[k] += v));
    }
    const norm = Math.hypot(...mean);
    expect(Math.max(...chunked.map((v, k) => Math.abs(v - mean[k] / norm)))).toBeLessThan(1e-5);
    expect(Math.max(...chunked.map((v, k) => Math.abs(v - truncated[k])))).toBeGreaterThan(1e-3);
    truncating.dispose();
    chunking.dispose();
  });
});

describe('USE-lite weights: loaded by name, shapes asserted', () => {
  it('rejects a missing weight, a wrong shape and a wrong shard count with clear errors', () => {
    const mj = structuredClone(files.modelJson) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    expect(() => readWeights(mj, files.shards.slice(1))).toThrow(/names 7 shards; received 6/);
    const weights = readWeights(files.modelJson, files.shards);
    const missing = new Map(weights);
    missing.delete('module/Encoder_en/hidden_layers/tanh_layer_0/bias');
    expect(() => new UseLiteEncoder(missing, files.vocab as [string, number][], 'x')).toThrow(/tanh_layer_0\/bias" is missing/);
    const reshaped = new Map(weights);
    const w = weights.get('module/Encoder_en/hidden_layers/tanh_layer_0/bias')!;
    reshaped.set(w.name, { ...w, shape: [256], data: w.data.subarray(0, 256) });
    const err = (() => {
      try {
        new UseLiteEncoder(reshaped, files.vocab as [string, number][], 'x');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(WeightsError);
    expect((err as WeightsError).code).toBe('shape');
    expect(String(err)).toMatch(/has shape \[256\]; expected \[512\]/);
  });
});
