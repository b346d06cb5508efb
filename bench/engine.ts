// npm run bench:engine — our USE-lite encoder and tokenizer against the stock GraphModel and the
// reference tokenizer, same backend, same texts, same run. Last line: one JSON object.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cpus } from 'node:os';
import { loadUseLite } from '../src/core/encoders/use-lite';
import { UseLiteCpu } from '../src/core/encoders/use-lite-cpu';
import { padBatch } from '../src/core/tokenizers/batch';
import { SentencePieceTokenizer } from '../src/core/tokenizers/sentencepiece';
import { FineTuner } from '../src/core/train/finetune';
import { buildCorpus, loadImdbReviews } from '../tests/support/corpus';
import { loadStockGraph, readUseFiles, referenceTokenizer, stockEmbed } from '../tests/support/use-files';

const BATCH = 32;
const BATCHES_PER_LENGTH = Number(process.env.BENCH_BATCHES ?? 3);
const TARGET_LENGTHS = [16, 64, 256];

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const files = readUseFiles();
  const encoder = await loadUseLite(files);
  const graph = await loadStockGraph(files);
  const reference = referenceTokenizer(files.vocab);
  const ours = new SentencePieceTokenizer(files.vocab as [string, number][]);
  // The CPU path embedTexts takes on WASM (our WebAssembly kernel; Node 20 validates plain SIMD
  // only, relaxed SIMD behind --experimental-wasm-relaxed-simd), timed on the same ids.
  const kernel = (await UseLiteCpu.create(encoder.cpuWeights()))!;
  const kernelEmbed = (rows: number[][]): Float32Array => {
    const windows = rows.map((r) => r.slice(0, encoder.maxSeqLength));
    const out: Float32Array[] = kernel.groups(windows).map(([start, end]) => kernel.embedWindows(windows.slice(start, end)));
    return Float32Array.from(out.flatMap((o) => Array.from(o)));
  };

  // Tokenizer: same corpus, best of two passes each.
  const corpus = buildCorpus(2000, 21);
  let refBest = Infinity;
  let oursBest = Infinity;
  let tokens = 0;
  for (let pass = 0; pass < 2; pass++) {
    let t = performance.now();
    tokens = corpus.reduce((n, text) => n + reference.encode(text).length, 0);
    refBest = Math.min(refBest, performance.now() - t);
    t = performance.now();
    corpus.forEach((text) => ours.encode(text));
    oursBest = Math.min(oursBest, performance.now() - t);
  }
  const tokenizerTokensPerSec = { ours: tokens / (oursBest / 1000), reference: tokens / (refBest / 1000) };

  // Encoder: texts cut from IMDB reviews to about 16, 64 and 256 tokens (the graph and our default
  // both keep the first 128 tokens of longer texts).
  const reviews = loadImdbReviews();
  const perLength: Record<string, { ours: number; kernel: number; graph: number; tokens: number }> = {};
  let kernelSeconds = 0;
  let kernelParityMaxAbsDiff = 0;
  let oursSeconds = 0;
  let graphSeconds = 0;
  let textsTimed = 0;
  let parityMaxAbsDiff = 0;
  for (const target of TARGET_LENGTHS) {
    const texts = textsOfLength(reviews.map((r) => r.t), target, BATCH * (BATCHES_PER_LENGTH + 1), reference);
    const ids = texts.map((t) => reference.encode(t));
    let tOurs = 0;
    let tGraph = 0;
    let tKernel = 0;
    for (let b = 0; b <= BATCHES_PER_LENGTH; b++) {
      const rows = ids.slice(b * BATCH, (b + 1) * BATCH);
      let t = performance.now();
      const g = await stockEmbed(graph, rows);
      const gd = await g.data();
      const graphMs = performance.now() - t;
      g.dispose();
      t = performance.now();
      const p = padBatch(rows, encoder.maxSeqLength);
      const idT = tf.tensor2d(p.ids, [p.batch, p.seqLength], 'int32');
      const maskT = tf.tensor2d(p.mask, [p.batch, p.seqLength]);
      const o = encoder.forward(idT, maskT);
      const od = await o.data();
      const oursMs = performance.now() - t;
      tf.dispose([idT, maskT, o]);
      for (let i = 0; i < od.length; i++) parityMaxAbsDiff = Math.max(parityMaxAbsDiff, Math.abs(od[i] - gd[i]));
      t = performance.now();
      const kd = kernelEmbed(rows);
      const kernelMs = performance.now() - t;
      for (let i = 0; i < kd.length; i++) kernelParityMaxAbsDiff = Math.max(kernelParityMaxAbsDiff, Math.abs(kd[i]! - gd[i]));
      if (b === 0) continue; // warm-up batch: shader/kernel set-up, allocator growth
      tOurs += oursMs;
      tGraph += graphMs;
      tKernel += kernelMs;
    }
    const n = BATCH * BATCHES_PER_LENGTH;
    const meanTokens = ids.reduce((s, x) => s + x.length, 0) / ids.length;
    perLength[`~${target}`] = { ours: n / (tOurs / 1000), kernel: n / (tKernel / 1000), graph: n / (tGraph / 1000), tokens: Math.round(meanTokens) };
    console.error(`length ~${target} (mean ${meanTokens.toFixed(1)} tokens): ours ${perLength[`~${target}`].ours.toFixed(1)} texts/s, kernel ${perLength[`~${target}`].kernel.toFixed(1)}, graph ${perLength[`~${target}`].graph.toFixed(1)} texts/s`);
    oursSeconds += tOurs / 1000;
    kernelSeconds += tKernel / 1000;
    graphSeconds += tGraph / 1000;
    textsTimed += n;
  }
  // One text at a time (what typing in the playground runs): median ms per text, ours vs graph,
  // on 40 texts per length after 5 warm-up texts, alternating so both see the same machine state.
  const oneText: Record<string, { oursMs: number; kernelMs: number; graphMs: number; tokens: number }> = {};
  let oneKernel = 0;
  let oneOurs = 0;
  let oneGraph = 0;
  for (const target of [16, 40, 128]) {
    const ids = textsOfLength(reviews.map((r) => r.t), target, 45, reference).map((t) => reference.encode(t));
    const msOurs: number[] = [];
    const msGraph: number[] = [];
    const msKernel: number[] = [];
    for (const [i, row] of ids.entries()) {
      let t = performance.now();
      const g = await stockEmbed(graph, [row]);
      const gd = await g.data();
      const graphMs = performance.now() - t;
      g.dispose();
      t = performance.now();
      const one = tf.tidy(() => encoder.forward(tf.tensor2d([row.slice(0, encoder.maxSeqLength)], [1, Math.min(row.length, encoder.maxSeqLength)], 'int32'), tf.ones([1, Math.min(row.length, encoder.maxSeqLength)]) as tf.Tensor2D));
      const od = await one.data();
      const oursMs = performance.now() - t;
      one.dispose();
      for (let d = 0; d < od.length; d++) parityMaxAbsDiff = Math.max(parityMaxAbsDiff, Math.abs(od[d] - gd[d]));
      t = performance.now();
      const kd = kernel.embed(row.slice(0, encoder.maxSeqLength));
      const kernelMs = performance.now() - t;
      for (let d = 0; d < kd.length; d++) kernelParityMaxAbsDiff = Math.max(kernelParityMaxAbsDiff, Math.abs(kd[d]! - gd[d]));
      if (i < 5) continue;
      msOurs.push(oursMs);
      msGraph.push(graphMs);
      msKernel.push(kernelMs);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const meanTokens = ids.reduce((n, x) => n + Math.min(x.length, encoder.maxSeqLength), 0) / ids.length;
    oneText[`~${target}`] = { oursMs: median(msOurs), kernelMs: median(msKernel), graphMs: median(msGraph), tokens: Math.round(meanTokens) };
    oneOurs += msOurs.reduce((a, b) => a + b, 0);
    oneKernel += msKernel.reduce((a, b) => a + b, 0);
    oneGraph += msGraph.reduce((a, b) => a + b, 0);
    console.error(`one text ~${target} (mean ${meanTokens.toFixed(1)} tokens): ours ${median(msOurs).toFixed(2)} ms, kernel ${median(msKernel).toFixed(2)} ms, graph ${median(msGraph).toFixed(2)} ms`);
  }
  graph.dispose();

  // Leaks: 100 encode calls and 20 training steps (top layer + head) must leave no tensor behind.
  const before = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) await encoder.embedTexts([`call ${i}: a short review`, 'and another one']);
  const tuner = new FineTuner(encoder, 2, { unfreezeLayers: 1, encoderLearningRate: 3e-5, headLearningRate: 1e-3, clipNorm: 1, seed: 1 });
  const batch = padBatch(['great movie', 'awful movie', 'loved it', 'hated it'].map((t) => ours.encode(t)), 128);
  for (let s = 0; s < 20; s++) await tuner.step({ ...batch, labels: Int32Array.from([1, 0, 1, 0]) });
  tuner.dispose();
  const numTensorsLeaked = tf.memory().numTensors - before;
  encoder.dispose();

  const encoderTextsPerSec = { ours: textsTimed / oursSeconds, kernel: textsTimed / kernelSeconds, graph: textsTimed / graphSeconds };
  const result = {
    backend: tf.getBackend(),
    machine: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, WASM SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')}`,
    batch: BATCH,
    encoderTextsPerSecByLength: perLength,
    encoderTextsPerSec,
    encoderSpeedupVsGraph: encoderTextsPerSec.ours / encoderTextsPerSec.graph,
    kernel: kernel.variant,
    kernelSpeedupVsGraph: encoderTextsPerSec.kernel / encoderTextsPerSec.graph,
    oneTextKernelSpeedupVsGraph: oneGraph / oneKernel,
    kernelParityMaxAbsDiff,
    oneTextMsByLength: oneText,
    oneTextSpeedupVsGraph: oneGraph / oneOurs,
    tokenizerTokensPerSec,
    tokenizerSpeedupVsReference: tokenizerTokensPerSec.ours / tokenizerTokensPerSec.reference,
    parityMaxAbsDiff,
    numTensorsLeaked,
    webgpu: 'not measured: Node has no WebGPU adapter on this machine',
  };
  console.log(JSON.stringify(result));
}

/** `count` texts of about `target` reference tokens each, cut from the start of reviews at word boundaries. */
function textsOfLength(pool: string[], target: number, count: number, tok: { encode(t: string): number[] }): string[] {
  const out: string[] = [];
  for (const review of pool) {
    if (out.length >= count) break;
    const words = review.split(' ');
    let lo = 1;
    let hi = words.length;
    if (tok.encode(review).length < target) continue;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tok.encode(words.slice(0, mid).join(' ')).length < target) lo = mid + 1;
      else hi = mid;
    }
    out.push(words.slice(0, lo).join(' '));
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
