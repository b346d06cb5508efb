// Runs in headless Chromium: our encoder on WebGPU against the stock graph on WASM, then a few
// fine-tuning steps on WebGPU. The e2e test calls window.runEngineChecks() and asserts on the result.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { loadUseLite } from '../../src/core/encoders/use-lite';
import { shardPaths } from '../../src/core/encoders/weights';
import type { EncoderFiles } from '../../src/core/encoders/types';
import { padBatch } from '../../src/core/tokenizers/batch';
import { SentencePieceTokenizer } from '../../src/core/tokenizers/sentencepiece';
import { FineTuner } from '../../src/core/train/finetune';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

export interface EngineCheckResult {
  adapter: string;
  texts: number;
  maxTokens: number;
  parityMaxAbsDiff: number;
  webgpuLosses: number[];
  numTensorsLeaked: number;
  seconds: number;
  phases: Record<string, number>;
}

const SAMPLE = [
  'I loved this film.', 'Terrible, boring, far too long.', 'ok', '', '😀 emoji and 東京',
  'The acting was wooden and the plot made no sense at all, yet I could not stop watching.',
  'Crème brûlée, naïve café — accents everywhere!', '1234 5678 $19.99 (50% off)', '<br /><br />Markup from IMDB.',
  'A masterpiece. Every frame is a painting and the score gives me chills even now, years later.',
];

async function loadFiles(): Promise<EncoderFiles> {
  const base = '/models/use-lite/';
  const modelJson = await (await fetch(`${base}model.json`)).json();
  const vocab = await (await fetch(`${base}vocab.json`)).json();
  const shards = await Promise.all(shardPaths(modelJson).map(async (p) => (await fetch(base + p)).arrayBuffer()));
  return { modelJson, vocab, shards };
}

async function runEngineChecks(): Promise<EngineCheckResult> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let mark = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark) / 1000;
    mark = now;
  };
  const files = await loadFiles();
  const tokenizer = new SentencePieceTokenizer(files.vocab as [string, number][]);
  const texts = [...SAMPLE, ...SAMPLE.map((t) => `${t} ${t}`)];
  const ids = texts.map((t) => tokenizer.encode(t));
  const padded = padBatch(ids, 128);

  // Reference: the stock graph on WASM, fed the same ids as the reference package feeds it.
  await tf.setBackend('wasm');
  const mj = files.modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weightData = new Uint8Array(files.shards.reduce((n, s) => n + s.byteLength, 0));
  files.shards.reduce((at, s) => (weightData.set(new Uint8Array(s), at), at + s.byteLength), 0);
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest.flatMap((g) => g.weights), weightData: weightData.buffer }),
  );
  const indices = ids.flatMap((row, i) => row.map((_, t) => [i, t]));
  const idx = tf.tensor2d(indices, [indices.length, 2], 'int32');
  const values = tf.tensor1d(ids.flat(), 'int32');
  const expectedT = (await graph.executeAsync({ indices: idx, values })) as tf.Tensor;
  const expected = await expectedT.data();
  tf.dispose([idx, values, expectedT]);
  graph.dispose();
  phase('graph on wasm');

  // Ours on WebGPU.
  if (!(await tf.setBackend('webgpu'))) throw new Error('the WebGPU backend did not initialise');
  const adapter = await navigator.gpu.requestAdapter();
  const before = tf.memory().numTensors;
  const encoder = await loadUseLite(files);
  const idT = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
  const maskT = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength]);
  const gotT = encoder.forward(idT, maskT);
  const got = await gotT.data();
  tf.dispose([idT, maskT, gotT]);
  let parityMaxAbsDiff = 0;
  phase('ours on webgpu');
  for (let i = 0; i < got.length; i++) parityMaxAbsDiff = Math.max(parityMaxAbsDiff, Math.abs(got[i] - expected[i]));

  // Fine-tune the top layer with a head on a tiny labelled set, fixed seed: the loss must fall.
  const labelled = ['great movie, loved it', 'awful movie, hated it', 'wonderful and moving', 'boring and dreadful'];
  const batch = padBatch(labelled.map((t) => tokenizer.encode(t)), 128);
  const tuner = new FineTuner(encoder, 2, { unfreezeLayers: 1, encoderLearningRate: 1e-4, headLearningRate: 1e-2, clipNorm: 1, seed: 7 });
  const webgpuLosses: number[] = [];
  for (let s = 0; s < 6; s++) webgpuLosses.push(await tuner.step({ ...batch, labels: Int32Array.from([1, 0, 1, 0]) }));
  tuner.dispose();
  encoder.dispose();
  phase('fine-tune on webgpu');
  return {
    phases,
    adapter: `${adapter?.info.vendor ?? '?'} ${adapter?.info.architecture ?? '?'}`,
    texts: texts.length,
    maxTokens: padded.seqLength,
    parityMaxAbsDiff,
    webgpuLosses,
    numTensorsLeaked: tf.memory().numTensors - before,
    seconds: (performance.now() - started) / 1000,
  };
}

declare global {
  interface Window {
    runEngineChecks: () => Promise<EngineCheckResult>;
  }
}
window.runEngineChecks = runEngineChecks;
document.getElementById('status')!.textContent = 'ready';
