// npm run bench:quality -- --fewshot 8,16,64 — few-shot learning curves: n labelled rows per class
// (stratified draws of the IMDB pool, ≥ 5 seeds), split 85/15 into training and validation rows as
// the app does, then on the same rows:
//   baseline    — n-gram TF-IDF + logistic regression (text-model.ts)
//   frozen      — logistic regression on the frozen encoder's embeddings (text-model.ts)
//   contrastive — the encoder tuned on contrastive pairs of the training rows (contrastive.ts),
//                 then the same logistic regression on the tuned embeddings
// each scored on the test reviews. Every encoder model reads the first window (128 tokens): the
// contrastive step trains on it, and frozen is measured on the same window so the comparison is
// like for like (frozenWhole: the frozen head on whole reviews, when --whole is given).
//   npm run bench:quality -- --fewshot 8,16,64 [--seeds 5] [--test 1000] [--iterations 20]
//     [--max-pairs 640] [--lr 5e-5] [--layers 99] [--tokens 128] [--batch 16] [--epochs 1]
//     [--train a.csv --test b.csv] [--plot bench/out/fewshot.svg] [--whole]
// Last line: one JSON object {dataset, backend, machine, config, fewshot: {"8": {baseline: {acc,
// macroF1, sd, runs}, frozen, contrastive}, ...}}.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { mulberry32, shuffleInPlace } from '../src/core/data/random';
import { stratifiedSplit } from '../src/core/data/split';
import { loadUseLite } from '../src/core/encoders/use-lite';
import { DEFAULT_LONG_TEXT, type LongTextOptions } from '../src/core/encoders/types';
import { contrastiveTune, DEFAULT_CONTRASTIVE_CONFIG, type ContrastiveConfig } from '../src/core/train/contrastive';
import { predictLinear } from '../src/core/train/logreg';
import { argmaxRows, trainTextModels, type TextModelResult } from '../src/core/train/text-model';
import { evaluate } from '../src/core/train/metrics';
import { predictTextModel } from '../src/core/train/text-model';
import { readUseFiles } from '../tests/support/use-files';
import { cachedEmbeddings } from './embed-cache';

export interface FewshotData {
  name: string;
  labels: string[];
  pool: { texts: string[]; y: Int32Array };
  test: { texts: string[]; y: Int32Array };
}
interface Score {
  acc: number;
  macroF1: number;
}

const round = (x: number) => Math.round(x * 10000) / 10000;
function summary(scores: Score[]): { acc: number; macroF1: number; sd: number; sdF1: number; runs: number; min: number } {
  const avg = (f: (s: Score) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  const sdOf = (f: (s: Score) => number) => {
    const m = avg(f);
    return Math.sqrt(scores.reduce((a, s) => a + (f(s) - m) ** 2, 0) / Math.max(1, scores.length - 1));
  };
  return { acc: round(avg((s) => s.acc)), macroF1: round(avg((s) => s.macroF1)), sd: round(sdOf((s) => s.acc)), sdF1: round(sdOf((s) => s.macroF1)), runs: scores.length, min: round(Math.min(...scores.map((s) => s.acc))) };
}

function plot(file: string, dataset: string, results: Record<string, Record<string, { acc: number; sd: number }>>): void {
  const keys = Object.keys(results).map(Number).sort((a, b) => a - b);
  const series: [string, string][] = [['baseline', '#888'], ['frozen', '#3b82f6'], ['frozenWhole', '#93c5fd'], ['contrastive', '#16a34a']];
  const vals = keys.flatMap((n) => series.flatMap(([s]) => (results[n]![s] ? [results[n]![s]!.acc - results[n]![s]!.sd, results[n]![s]!.acc + results[n]![s]!.sd] : [])));
  const lo = Math.floor(Math.min(...vals) * 20) / 20;
  const hi = Math.ceil(Math.max(...vals) * 20) / 20;
  const W = 560, H = 340, L = 60, R = 130, T = 30, B = 50;
  const x = (i: number) => L + (keys.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (keys.length - 1));
  const y = (v: number) => T + ((hi - v) * (H - T - B)) / Math.max(hi - lo, 1e-6);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`;
  svg += `<text x="${L}" y="18" font-size="14">${dataset}: few-shot test accuracy (mean ± sd over seeds)</text>`;
  for (let v = lo; v <= hi + 1e-9; v += 0.05) svg += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`;
  keys.forEach((n, i) => (svg += `<text x="${x(i)}" y="${H - B + 18}" text-anchor="middle">${n}</text>`));
  svg += `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">labelled rows per class</text>`;
  series.forEach(([s, color], j) => {
    const pts = keys.map((n, i) => (results[n]![s] ? { x: x(i), m: results[n]![s]!.acc, sd: results[n]![s]!.sd } : null)).filter((p) => p !== null);
    if (pts.length === 0) return;
    for (const p of pts) svg += `<line x1="${p.x + (j - 1.5) * 4}" x2="${p.x + (j - 1.5) * 4}" y1="${y(p.m - p.sd)}" y2="${y(p.m + p.sd)}" stroke="${color}" stroke-width="1.5"/>`;
    svg += `<polyline fill="none" stroke="${color}" stroke-width="${s === 'contrastive' ? 3 : 2}" points="${pts.map((p) => `${p.x},${y(p.m)}`).join(' ')}"/>`;
    svg += `<text x="${W - R + 10}" y="${T + 16 * j + 4}" fill="${color}">${s}</text>`;
  });
  writeFileSync(file, svg + '</svg>\n');
}

export async function fewshotMain(data: FewshotData, arg: (name: string) => string | undefined, flag: (name: string) => boolean, log: (msg: string) => void): Promise<void> {
  const k = data.labels.length;
  const sizes = arg('fewshot')!.split(',').map(Number);
  const seeds = Number(arg('seeds') ?? 5);
  const config: ContrastiveConfig = {
    ...DEFAULT_CONTRASTIVE_CONFIG,
    ...(arg('iterations') ? { iterations: Number(arg('iterations')) } : {}),
    ...(arg('max-pairs') ? { maxPairs: Number(arg('max-pairs')) } : {}),
    ...(arg('lr') ? { encoderLearningRate: Number(arg('lr')) } : {}),
    ...(arg('layers') ? { unfreezeLayers: Number(arg('layers')) } : {}),
    ...(arg('tokens') ? { maxTokens: Number(arg('tokens')) } : {}),
    ...(arg('batch') ? { batchSize: Number(arg('batch')) } : {}),
    ...(arg('epochs') ? { epochs: Number(arg('epochs')) } : {}),
    checkpointEvery: 1_000_000,
  };
  const firstWindow: LongTextOptions = { policy: 'truncate', maxWindows: 1 };
  const encoder = await loadUseLite(readUseFiles());
  const pristine = encoder.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), data: (w.tensor.dataSync() as Float32Array).slice() }));
  const dim = encoder.dim;
  log(`${data.name}: few-shot ${sizes.join(',')} per class, ${seeds} seeds, test ${data.test.texts.length}; contrastive ${JSON.stringify(config)}`);
  const testFrozen = await cachedEmbeddings(encoder, data.test.texts, firstWindow, log);
  const testWhole = flag('whole') ? await cachedEmbeddings(encoder, data.test.texts, DEFAULT_LONG_TEXT, log) : null;
  const byClass = Array.from({ length: k }, (_, c) => Array.from(data.pool.y.keys()).filter((i) => data.pool.y[i] === c));
  const results: Record<string, Record<string, ReturnType<typeof summary>>> = {};
  const runs: Record<string, unknown[]> = {};
  const t00 = Date.now();
  for (const n of sizes) {
    const per: Record<string, Score[]> = {};
    for (let seed = 1; seed <= seeds; seed++) {
      // Seeded by seed and class only, so the 8-row draw is the start of the 16-row draw.
      const subset = byClass.flatMap((rows, c) => shuffleInPlace(rows.slice(), mulberry32(seed * 7919 + c)).slice(0, n));
      const subY = Int32Array.from(subset, (i) => data.pool.y[i]!);
      const split = stratifiedSplit(subY, 0.15, seed);
      const trIdx = split.train.map((j) => subset[j]!);
      const valIdx = split.val.map((j) => subset[j]!);
      const tr = { texts: trIdx.map((i) => data.pool.texts[i]!), y: Int32Array.from(trIdx, (i) => data.pool.y[i]!) };
      const val = { texts: valIdx.map((i) => data.pool.texts[i]!), y: Int32Array.from(valIdx, (i) => data.pool.y[i]!) };
      const fit = (trEmb: Float32Array, valEmb: Float32Array): TextModelResult =>
        trainTextModels({ trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: k, trainEmb: trEmb, valEmb, dim, classWeights: true, only: ['baseline', 'encoder'] });
      const headScore = (res: TextModelResult, testEmb: Float32Array): Score => {
        const p = predictLinear(res.encoderHead!, { rows: data.test.texts.length, sparse: null, dense: { data: testEmb, dim } });
        const m = evaluate(data.test.y, argmaxRows(p, k), k);
        return { acc: m.accuracy, macroF1: m.macroF1 };
      };
      const add = (name: string, s: Score) => (per[name] ??= []).push(s);
      encoder.assignWeights(pristine);
      const embed = (texts: string[], long: LongTextOptions) => encoder.embedTexts(texts, { longText: long, batchSize: 32 });
      const frozen = fit(await embed(tr.texts, firstWindow), await embed(val.texts, firstWindow));
      const bm = evaluate(data.test.y, argmaxRows(predictTextModel(frozen.all.baseline!, data.test.texts, null, null, k), k), k);
      add('baseline', { acc: bm.accuracy, macroF1: bm.macroF1 });
      add('frozen', headScore(frozen, testFrozen));
      if (testWhole) add('frozenWhole', headScore(fit(await embed(tr.texts, DEFAULT_LONG_TEXT), await embed(val.texts, DEFAULT_LONG_TEXT)), testWhole));
      const t0 = Date.now();
      const tuned = await contrastiveTune(encoder, tr, config);
      const tuneSeconds = (Date.now() - t0) / 1000;
      const t1 = Date.now();
      const res = fit(await embed(tr.texts, firstWindow), await embed(val.texts, firstWindow));
      add('contrastive', headScore(res, await embed(data.test.texts, firstWindow)));
      const line = Object.fromEntries(Object.entries(per).map(([name, s]) => [name, round(s.at(-1)!.acc)]));
      (runs[n] ??= []).push({ seed, ...line, pairs: tuned.pairs, steps: tuned.steps, firstLoss: round(tuned.losses[0]!), lastLoss: round(tuned.losses.at(-1)!), tuneSeconds: Math.round(tuneSeconds), embedSeconds: Math.round((Date.now() - t1) / 1000) });
      log(`n=${n}/class seed ${seed}: ${JSON.stringify((runs[n] as unknown[]).at(-1))} (${Math.round((Date.now() - t00) / 1000)} s so far)`);
    }
    results[n] = Object.fromEntries(Object.entries(per).map(([name, s]) => [name, summary(s)]));
    log(`n=${n}/class: ${JSON.stringify(results[n])}`);
  }
  encoder.dispose();
  const plotFile = arg('plot') ?? join(import.meta.dirname, 'out', 'fewshot.svg');
  mkdirSync(dirname(plotFile), { recursive: true });
  plot(plotFile, data.name, results);
  log(`plot: ${plotFile}`);
  console.log(JSON.stringify({
    dataset: data.name,
    test: data.test.texts.length,
    backend: tf.getBackend(),
    machine: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    config,
    runs,
    fewshot: results,
  }));
}
