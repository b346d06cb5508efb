// The playground's path: USE-lite's forward pass on our own WebAssembly matrix kernel
// (core/wasm/gemm.ts, encoders/use-lite-cpu.ts). It must give forward()'s numbers — which the
// parity tests check against the stock graph — at every length, with fine-tuned weights swapped
// in, and the kernel must be right on its own at odd strides, with and without bias and ReLU.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bestGemmVariant, gemmModuleBytes, WasmGemm } from '../../src/core/wasm/gemm';
import { loadUseLite, type UseLiteEncoder } from '../../src/core/encoders/use-lite';
import { CPU_CHUNK_ROWS, UseLiteCpu, windowRows } from '../../src/core/encoders/use-lite-cpu';
import { padBatch } from '../../src/core/tokenizers/batch';
import { buildCorpus } from '../support/corpus';
import { readUseFiles } from '../support/use-files';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A seeded uniform(−1, 1) array. */
function randoms(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  });
}

describe('the WebAssembly matrix kernel', () => {
  it('both variants are tested here: Node has WASM SIMD, and relaxed SIMD (vitest.config.ts turns it on in Node 20)', () => {
    expect(WebAssembly.validate(gemmModuleBytes('simd'))).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes('relaxed-simd'))).toBe(true);
    expect(bestGemmVariant()).toBe('relaxed-simd');
  });

  for (const variant of ['simd', 'relaxed-simd'] as const) {
    it(`${variant}: C = A·B + bias (ReLU), with row strides, equals a float64 product`, async () => {
      const g = (await WasmGemm.create(1 << 20, 64, variant))!;
      for (const [M, K, N, lda, ldc, withBias, relu] of [[4, 1, 8, 1, 8, false, false], [12, 37, 24, 40, 32, true, true], [40, 64, 40, 64, 40, true, false], [8, 300, 16, 300, 48, false, true]] as const) {
        const a = randoms(M * lda, M + K);
        const w = randoms(K * N, K + N);
        const bias = randoms(N, 7);
        const A = g.put(a);
        const B = g.packB(w, K, N);
        const C = g.alloc(M * ldc);
        const Bias = withBias ? g.put(bias) : 0;
        g.gemm(A, lda, B, K, C, ldc, M, N, Bias, relu);
        let worst = 0;
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let s = withBias ? bias[j]! : 0;
            for (let k = 0; k < K; k++) s += a[i * lda + k]! * w[k * N + j]!;
            if (relu) s = Math.max(0, s);
            worst = Math.max(worst, Math.abs(s - g.f32[C / 4 + i * ldc + j]!));
          }
        }
        expect(worst, `${M}×${K}×${N}`).toBeLessThan(1e-5 * Math.sqrt(K) + 1e-6);
      }
    });
  }

  it('refuses shapes the micro-kernel cannot cover, naming them', async () => {
    const g = (await WasmGemm.create(1 << 16, 16))!;
    expect(() => g.gemm(64, 8, 64, 8, 64, 8, 6, 8)).toThrow(/M a multiple of 4 .*got M 6/);
    expect(() => g.gemm(64, 8, 64, 8, 64, 12, 4, 12)).toThrow(/N of 8; got M 4, N 12/);
    expect(() => g.gemm(64, 8, 64, 8, 64, 32, 4, 32)).toThrow(/without a bias supports N up to 16; got N 32/);
    expect(() => g.packB(new Float32Array(12), 2, 6)).toThrow(/packB needs N a multiple of 8/);
  });
});

describe('USE-lite one-text CPU path', () => {
  let encoder: UseLiteEncoder;
  let initialBackend = '';
  beforeAll(async () => {
    await tf.ready();
    initialBackend = tf.getBackend();
    await tf.setBackend('wasm');
    encoder = await loadUseLite(readUseFiles());
  });
  afterAll(async () => {
    encoder.dispose();
    await tf.setBackend(initialBackend);
  });

  for (const variant of ['relaxed-simd', 'simd'] as const)
  it(`${variant}: equals forward() on a padded batch at lengths 0..128, a window at a time and stacked in one call, within 2e-6`, async () => {
    const cpu = (await UseLiteCpu.create(await encoder.cpuWeights(), variant))!;
    expect(cpu.variant).toBe(variant);
    const corpus = buildCorpus(30, 5);
    const texts = ['', 'ok', 'a', ...corpus.map((t, i) => t.slice(0, 10 + i * 45))];
    const ids = texts.map((t) => encoder.encodeIds(t));
    expect(ids[0]).toEqual([]);
    expect(Math.max(...ids.map((r) => r.length))).toBe(128);
    const padded = padBatch(ids, encoder.maxSeqLength);
    const out = tf.tidy(() => encoder.forward(tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32'), tf.tensor2d(padded.mask, [padded.batch, padded.seqLength])));
    const want = await out.data();
    out.dispose();
    let worst = 0;
    ids.forEach((r, i) => {
      worst = Math.max(worst, maxAbsDiff(cpu.embed(r), want.subarray(i * encoder.dim, (i + 1) * encoder.dim)));
    });
    expect(worst).toBeLessThan(2e-6);
    // Stacked: as many windows as fit in one call's rows, in a different order.
    const order = ids.map((_, i) => i).reverse();
    const group: number[] = [];
    let rows = 0;
    for (const i of order) {
      if (rows + windowRows(ids[i]!.length) > CPU_CHUNK_ROWS) continue;
      rows += windowRows(ids[i]!.length);
      group.push(i);
    }
    expect(group.length).toBeGreaterThan(8);
    const stacked = cpu.embedWindows(group.map((i) => ids[i]!));
    const expected = Float32Array.from(group.flatMap((i) => Array.from(want.subarray(i * encoder.dim, (i + 1) * encoder.dim))));
    expect(maxAbsDiff(stacked, expected)).toBeLessThan(2e-6);
    expect(() => cpu.embedWindows(Array.from({ length: 5 }, () => new Array(128).fill(5)))).toThrow(/take 640 rows; at most 512 per call/);
    expect(() => cpu.embed(new Array(129).fill(5))).toThrow(/at most 128 tokens; got 129/);
    // Empty windows take no rows: the window count is bounded on its own.
    expect(() => cpu.embedWindows(Array.from({ length: cpu.maxWindows + 1 }, () => []))).toThrow(/65 windows; at most 64 per call/);
  }, 120_000);

  it('embedTexts takes it on WASM (short and long texts, windows, an empty text, more rows than one call) with forward()\u2019s numbers and progress', async () => {
    expect(await encoder.embedPath()).toBe('relaxed-simd');
    const long = buildCorpus(40, 9).join(' ');
    const texts = ['The soup was cold and the waiter never came back.', '', long, ...buildCorpus(24, 4)];
    const longText = { policy: 'chunk' as const, maxWindows: 3 };
    const want = await encoder.embedTexts(texts, { longText, reference: true, batchSize: 8 });
    const forward = vi.spyOn(encoder, 'forward');
    try {
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const got = await encoder.embedTexts(texts, { longText, onProgress: (done, total) => progress.push(done / total) });
      expect(forward).not.toHaveBeenCalled();
      expect(tf.memory().numTensors).toBe(before);
      expect(maxAbsDiff(got, want)).toBeLessThan(2e-6);
      // More than one call's rows: progress after each, ending at all texts.
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(1);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      await expect(encoder.embedTexts(['x'], { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer; received 0/);
      // reference: forward(), the same numbers.
      forward.mockClear();
      await encoder.embedTexts(['fine'], { reference: true });
      expect(forward).toHaveBeenCalledTimes(1);
    } finally {
      forward.mockRestore();
    }
  }, 60_000);

  it('many short and empty texts (more windows than one call holds, few rows): every text gets forward()\u2019s embedding', async () => {
    const texts = ['great', '', ...Array.from({ length: 70 }, (_, i) => `item ${i} was fine`), '', '', 'ok'];
    const got = await encoder.embedTexts(texts);
    const want = await encoder.embedTexts(texts, { reference: true });
    for (let i = 0; i < texts.length; i++) {
      expect(maxAbsDiff(got.subarray(i * encoder.dim, (i + 1) * encoder.dim), want.subarray(i * encoder.dim, (i + 1) * encoder.dim)), `text ${i} "${texts[i]}"`).toBeLessThan(2e-6);
    }
  });

  it('unknownShare: the share of a text\u2019s pieces the vocabulary does not know (the playground\u2019s note)', () => {
    expect(encoder.unknownShare('非常好')).toBe(1);
    expect(encoder.unknownShare('😀')).toBe(1);
    expect(encoder.unknownShare('great product')).toBe(0);
    expect(encoder.unknownShare('I love 東京')).toBeCloseTo(1 / 3, 6);
    expect(encoder.unknownShare('')).toBe(0);
  });

  it('is not used off WASM', async () => {
    await tf.setBackend('cpu');
    try {
      expect(await encoder.embedPath()).toBe('tfjs');
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('follows swapped weights: after an assign (assignWeights, an optimizer step) it embeds with the new values', async () => {
    const text = ['An honest little film, slow in the middle.'];
    const pristine = await encoder.embedTexts(text);
    const name = encoder.namedWeights().find((w) => /tanh_layer_0\/bias/.test(w.name))!;
    const original = (await name.tensor.data()) as Float32Array;
    const shifted = original.map((v, i) => v + (i % 2 === 0 ? 0.5 : -0.5));
    encoder.assignWeights([{ name: name.name, data: shifted }]);
    try {
      const want = await encoder.embedTexts(text, { reference: true });
      const got = await encoder.embedTexts(text);
      expect(maxAbsDiff(want, pristine)).toBeGreaterThan(1e-2);
      expect(maxAbsDiff(got, want)).toBeLessThan(2e-6);
    } finally {
      encoder.assignWeights([{ name: name.name, data: original }]);
    }
    expect(maxAbsDiff(await encoder.embedTexts(text), pristine)).toBeLessThan(1e-7);
    // A variable assigned directly, as an optimizer does.
    const v = encoder.trainableVariables(1).find((x) => x.shape.length === 1 && x.shape[0] === encoder.dim)!;
    const saved = v.clone();
    try {
      const shiftedValue = tf.add(saved, 0.3);
      v.assign(shiftedValue);
      shiftedValue.dispose();
      expect(maxAbsDiff(await encoder.embedTexts(text), await encoder.embedTexts(text, { reference: true }))).toBeLessThan(2e-6);
      expect(maxAbsDiff(await encoder.embedTexts(text), pristine)).toBeGreaterThan(1e-3);
    } finally {
      v.assign(saved);
      saved.dispose();
    }
  });
});
