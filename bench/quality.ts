// npm run bench:quality — learning curves: is the kept model ever worse than a bag-of-words
// baseline? For each training size (stratified draws, several seeds for small sizes) the app's
// own Train pipeline (src/core/train/text-model.ts) runs on a 85/15 train/validation split and
// every candidate is scored on a fixed test set: baseline (n-gram TF-IDF + LR), headOnly (LR on
// frozen embeddings), hybrid (one LR over both), blend, optional fine-tuning (top1, all), and
// `kept` (the one chosen on validation). Node + the tfjs WASM backend, the same code as the app.
//   npm run bench:quality -- [--sizes 100,500,2000|all] [--seeds 3] [--test 2000] [--long chunk|truncate]
//                            [--skip-finetune] [--epochs 2] [--sklearn] [--plot bench/out/curve.svg] [--char-ngrams off]
//                            [--refit none|ngram|all] [--overlap 0.5]
//   npm run bench:quality -- --train train.csv --test test.csv [--sizes all]
//   npm run bench:quality -- --fewshot 8,16,64 [--seeds 5]: few-shot curves with contrastive tuning (fewshot.ts)
// Embeddings are cached in bench/out/embeddings (see embed-cache.ts). Last line: one JSON object
// {dataset, backend, machine, sizes: {"<n>": {baseline, headOnly, hybrid, blend, top1, all, kept}}}.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDelimited } from '../src/core/data/csv';
import { detectColumns } from '../src/core/data/detect';
import { mulberry32, shuffleInPlace } from '../src/core/data/random';
import { stratifiedSplit } from '../src/core/data/split';
import { buildDataset } from '../src/core/data/validate';
import { loadUseLite, type UseLiteEncoder } from '../src/core/encoders/use-lite';
import { DEFAULT_LONG_TEXT, type LongTextOptions } from '../src/core/encoders/types';
import { padBatch } from '../src/core/tokenizers/batch';
import { FineTuner } from '../src/core/train/finetune';
import { DEFAULT_FINETUNE_RUN_CONFIG, fineTune } from '../src/core/train/finetune-run';
import { predictLinear } from '../src/core/train/logreg';
import { evaluate } from '../src/core/train/metrics';
import { argmaxRows, predictTextModel, trainTextModels, type ModelKind, type TextModel } from '../src/core/train/text-model';
import { loadImdbReviews } from '../tests/support/corpus';
import { readUseFiles } from '../tests/support/use-files';
import { cachedEmbeddings } from './embed-cache';
import { fewshotMain } from './fewshot';

interface Split {
  texts: string[];
  y: Int32Array;
}
interface Data {
  name: string;
  labels: string[];
  pool: Split;
  test: Split;
}
interface Score {
  acc: number;
  macroF1: number;
  seconds: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
/** --refit none|ngram|all: which models are refitted on training + validation rows (default: the app's). */
const REFIT_OPTIONS: Record<string, false | readonly ('baseline' | 'encoder' | 'hybrid')[]> = { none: false, ngram: ['baseline', 'hybrid'], all: ['baseline', 'hybrid', 'encoder'] };
const badRefit = (): never => {
  throw new Error(`--refit must be one of ${Object.keys(REFIT_OPTIONS).join(', ')}`);
};
const log = (msg: string) => console.error(msg);

async function loadData(): Promise<Data> {
  const trainArg = arg('train') ?? '2000';
  const testArg = arg('test') ?? '2000';
  if (/^\d+$/.test(trainArg) && /^\d+$/.test(testArg)) {
    // The same fixed split as earlier versions of this bench: IMDB shuffled with seed 13.
    const reviews = shuffleInPlace(loadImdbReviews().slice(), mulberry32(13));
    const nTrain = Number(trainArg);
    const take = (rows: typeof reviews) => ({ texts: rows.map((r) => r.t), y: Int32Array.from(rows, (r) => r.s) });
    return { name: 'imdb', labels: ['negative', 'positive'], pool: take(reviews.slice(0, nTrain)), test: take(reviews.slice(nTrain, nTrain + Number(testArg))) };
  }
  const read = async (file: string) => {
    const table = await parseDelimited(readFileSync(file, 'utf8'));
    const ds = buildDataset(table, detectColumns(table));
    const fatal = ds.problems.find((p) => p.severity === 'fatal');
    if (fatal) throw new Error(`${file}: ${fatal.message}`);
    return ds;
  };
  const [tr, te] = [await read(trainArg), await read(testArg)];
  const index = new Map(tr.labels.map((l, i) => [l, i]));
  const toSplit = (rows: { text: string; label: string }[]) => {
    const kept = rows.filter((r) => index.has(r.label));
    return { texts: kept.map((r) => r.text), y: Int32Array.from(kept, (r) => index.get(r.label)!) };
  };
  return { name: `${trainArg} → ${testArg}`, labels: tr.labels, pool: toSplit(tr.rows), test: toSplit(te.rows) };
}

/** A stratified draw of n rows of the pool (all of it when n ≥ pool). */
function draw(y: Int32Array, n: number, seed: number): number[] {
  if (n >= y.length) return Array.from(y.keys());
  const { val } = stratifiedSplit(y, n / y.length, seed);
  return val;
}

const round = (x: number) => Math.round(x * 10000) / 10000;
function scoreProbs(probs: Float32Array, y: Int32Array, k: number, seconds: number): Score {
  const m = evaluate(y, argmaxRows(probs, k), k);
  return { acc: m.accuracy, macroF1: m.macroF1, seconds };
}
function mean(scores: Score[]): Score & { sd: number; runs: number } {
  const avg = (f: (s: Score) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
  const acc = avg((s) => s.acc);
  const sd = Math.sqrt(scores.reduce((a, s) => a + (s.acc - acc) ** 2, 0) / Math.max(1, scores.length - 1));
  return { acc: round(acc), macroF1: round(avg((s) => s.macroF1)), seconds: Math.round(avg((s) => s.seconds) * 10) / 10, sd: round(sd), runs: scores.length };
}

/** scikit-learn's LogisticRegression on the same embeddings (and TF-IDF on the same texts), for reference. */
function sklearnReference(trX: Float32Array, trY: Int32Array, teX: Float32Array, teY: Int32Array, dim: number, C: number, trTexts: string[], teTexts: string[]): Record<string, number> | null {
  const dir = join(tmpdir(), `texttune-sk-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const write = (name: string, a: Float32Array | Int32Array) => writeFileSync(join(dir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  write('trX.f32', trX);
  write('teX.f32', teX);
  write('trY.i32', trY);
  write('teY.i32', teY);
  writeFileSync(join(dir, 'texts.json'), JSON.stringify({ train: trTexts, test: teTexts }));
  try {
    const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'sklearn_reference.py'), dir, String(dim), String(C)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (err) {
    log(`sklearn reference unavailable: ${(err as Error).message.split('\n')[0]}`);
    return null;
  }
}

async function fineTuneScores(encoder: UseLiteEncoder, tr: Split, val: Split, test: Split, k: number, epochs: number, seed: number, pristine: { name: string; shape: number[]; data: Float32Array }[]): Promise<Record<string, Score>> {
  const out: Record<string, Score> = {};
  for (const [name, layers] of [['top1', 1], ['all', encoder.numLayers]] as const) {
    encoder.assignWeights(pristine);
    const t0 = Date.now();
    const result = await fineTune(
      encoder,
      { trainTexts: tr.texts, trainY: tr.y, valTexts: val.texts, valY: val.y, numClasses: k },
      { ...DEFAULT_FINETUNE_RUN_CONFIG, unfreezeLayers: layers, epochs, batchSize: 16, encoderLearningRate: 5e-5, headLearningRate: 1e-3, patience: 0, seed },
      { onEpoch: (l) => log(`  ${name} epoch ${l.epoch}: val macro-F1 ${l.valMacroF1.toFixed(4)} (${l.seconds.toFixed(0)} s)`) },
    );
    const tuner = new FineTuner(encoder, k, { ...DEFAULT_FINETUNE_RUN_CONFIG, unfreezeLayers: 0 }, {
      kernel: tf.tensor2d(result.head.kernel, [encoder.dim, k]),
      bias: tf.tensor1d(result.head.bias),
    });
    const ids = test.texts.map((t) => encoder.encodeIds(t));
    const probs = new Float32Array(test.texts.length * k);
    for (let s = 0; s < ids.length; s += 32) {
      const p = padBatch(ids.slice(s, s + 32), encoder.maxSeqLength);
      probs.set(await tuner.predict(p.ids, p.mask, p.batch, p.seqLength), s * k);
    }
    tuner.dispose();
    out[name] = scoreProbs(probs, test.y, k, (Date.now() - t0) / 1000);
  }
  encoder.assignWeights(pristine);
  return out;
}

function plot(file: string, dataset: string, sizes: Record<string, Record<string, { acc: number }>>): void {
  const keys = Object.keys(sizes).map(Number).sort((a, b) => a - b);
  const series: [string, string][] = [['baseline', '#888'], ['headOnly', '#3b82f6'], ['hybrid', '#a855f7'], ['blend', '#f59e0b'], ['kept', '#16a34a']];
  const vals = keys.flatMap((n) => series.map(([s]) => sizes[n]![s]?.acc).filter((v): v is number => v !== undefined));
  const lo = Math.floor(Math.min(...vals) * 50) / 50;
  const hi = Math.ceil(Math.max(...vals) * 50) / 50;
  const W = 560, H = 340, L = 60, R = 130, T = 30, B = 50;
  const x = (i: number) => L + (keys.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (keys.length - 1));
  const y = (v: number) => T + ((hi - v) * (H - T - B)) / Math.max(hi - lo, 1e-6);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>`;
  svg += `<text x="${L}" y="18" font-size="14">${dataset}: test accuracy vs labelled rows (mean over seeds)</text>`;
  for (let v = lo; v <= hi + 1e-9; v += 0.02) svg += `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`;
  keys.forEach((n, i) => (svg += `<text x="${x(i)}" y="${H - B + 18}" text-anchor="middle">${n}</text>`));
  svg += `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">training rows</text>`;
  series.forEach(([s, color], j) => {
    const pts = keys.map((n, i) => (sizes[n]![s] ? `${x(i)},${y(sizes[n]![s]!.acc)}` : null)).filter(Boolean);
    if (pts.length === 0) return;
    svg += `<polyline fill="none" stroke="${color}" stroke-width="${s === 'kept' ? 3 : 2}" points="${pts.join(' ')}"/>`;
    svg += `<text x="${W - R + 10}" y="${T + 16 * j + 4}" fill="${color}">${s}</text>`;
  });
  writeFileSync(file, svg + '</svg>\n');
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const data = await loadData();
  if (arg('fewshot')) return fewshotMain(data, arg, flag, log);
  const k = data.labels.length;
  const seedsSmall = Number(arg('seeds') ?? 3);
  const long: LongTextOptions = arg('long') === 'truncate' ? { policy: 'truncate', maxWindows: 1 } : { ...DEFAULT_LONG_TEXT, ...(arg('overlap') ? { overlap: Number(arg('overlap')) } : {}) };
  const maxLen = arg('max-len') ? Number(arg('max-len')) : undefined;
  const sizes = (arg('sizes') ?? 'all').split(',').map((s) => (s === 'all' ? data.pool.texts.length : Number(s)));
  const encoder = await loadUseLite(readUseFiles(), maxLen ? { maxSeqLength: maxLen } : {});
  log(`${data.name}: pool ${data.pool.texts.length}, test ${data.test.texts.length}, ${k} labels, long texts: ${long.policy}`);
  let t0 = Date.now();
  const poolEmb = await cachedEmbeddings(encoder, data.pool.texts, long, log);
  const testEmb = await cachedEmbeddings(encoder, data.test.texts, long, log);
  log(`embeddings ready (${Math.round((Date.now() - t0) / 1000)} s)`);
  const dim = encoder.dim;
  const rowsOf = (x: Float32Array, idx: number[]) => {
    const out = new Float32Array(idx.length * dim);
    idx.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  };
  const pristine = flag('skip-finetune') ? [] : encoder.namedWeights().map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), data: (w.tensor.dataSync() as Float32Array).slice() }));
  const results: Record<string, Record<string, ReturnType<typeof mean>>> = {};
  const sklearn: Record<string, unknown> = {};
  for (const n of sizes) {
    const seeds = n >= data.pool.texts.length ? 1 : seedsSmall;
    const per: Record<string, Score[]> = {};
    const keptKinds: ModelKind[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const subset = draw(data.pool.y, n, seed);
      const subY = Int32Array.from(subset, (i) => data.pool.y[i]!);
      const split = stratifiedSplit(subY, 0.15, seed);
      const pick = (idx: number[]) => idx.map((j) => subset[j]!);
      const [trIdx, valIdx] = [pick(split.train), pick(split.val)];
      const tr = { texts: trIdx.map((i) => data.pool.texts[i]!), y: Int32Array.from(trIdx, (i) => data.pool.y[i]!) };
      const val = { texts: valIdx.map((i) => data.pool.texts[i]!), y: Int32Array.from(valIdx, (i) => data.pool.y[i]!) };
      t0 = Date.now();
      const trEmb = rowsOf(poolEmb, trIdx);
      const res = trainTextModels({
        trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: k,
        trainEmb: trEmb, valEmb: rowsOf(poolEmb, valIdx), dim, classWeights: true,
        ...(arg('char-ngrams') === 'off' ? { ngram: { charNgrams: [0, 0] as [number, number] } } : {}),
        ...(arg('embedding-scale') ? { embeddingScale: Number(arg('embedding-scale')) } : {}),
        ...(arg('refit') ? { refit: REFIT_OPTIONS[arg('refit')!] ?? badRefit() } : {}),
      });
      const trainSeconds = (Date.now() - t0) / 1000;
      const secondsOf = (kind: ModelKind) => res.comparison.candidates.find((c) => c.kind === kind)?.seconds ?? 0;
      // Each candidate on the test rows; the encoder's probabilities come from its LR head.
      const encProbs = res.encoderHead ? predictLinear(res.encoderHead, { rows: data.test.texts.length, sparse: null, dense: { data: testEmb, dim } }) : null;
      const testFor = (m: TextModel) => predictTextModel(m, data.test.texts, encProbs, { data: testEmb, dim }, k);
      const add = (name: string, s: Score) => (per[name] ??= []).push(s);
      const names: Record<ModelKind, string> = { baseline: 'baseline', encoder: 'headOnly', hybrid: 'hybrid', blend: 'blend' };
      for (const [kind, m] of Object.entries(res.all) as [ModelKind, TextModel][]) add(names[kind], scoreProbs(testFor(m), data.test.y, k, secondsOf(kind)));
      add('kept', scoreProbs(testFor(res.model), data.test.y, k, trainSeconds));
      keptKinds.push(res.model.kept);
      log(`n=${n} seed ${seed}: ${res.comparison.summary}; test ${Object.entries(per).map(([name, s]) => `${name} ${s.at(-1)!.acc.toFixed(4)}`).join(', ')} (${trainSeconds.toFixed(1)} s)`);
      if (flag('sklearn') && seed === 1) {
        const C = Number(res.comparison.candidates.find((c) => c.kind === 'encoder')?.setting.replace('C = ', '') ?? 10);
        sklearn[n] = { ...sklearnReference(trEmb, tr.y, testEmb, data.test.y, dim, C, tr.texts, data.test.texts), oursHeadOnly: round(per.headOnly!.at(-1)!.acc), oursBaseline: round(per.baseline!.at(-1)!.acc), C };
        log(`n=${n} sklearn: ${JSON.stringify(sklearn[n])}`);
      }
      if (!flag('skip-finetune') && seed === 1) {
        const ft = await fineTuneScores(encoder, tr, val, data.test, k, Number(arg('epochs') ?? 2), seed, pristine);
        for (const [name, s] of Object.entries(ft)) add(name, s);
      }
    }
    results[n] = Object.fromEntries(Object.entries(per).map(([name, s]) => [name, mean(s)]));
    (results[n] as Record<string, unknown>).keptKinds = keptKinds;
  }
  encoder.dispose();
  const plotFile = arg('plot') ?? join(import.meta.dirname, 'out', 'quality-curve.svg');
  mkdirSync(dirname(plotFile), { recursive: true });
  plot(plotFile, data.name, results);
  log(`plot: ${plotFile}`);
  console.log(
    JSON.stringify({
      dataset: data.name,
      pool: data.pool.texts.length,
      test: data.test.texts.length,
      backend: tf.getBackend(),
      machine: `${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      longText: long,
      sizes: results,
      ...(flag('sklearn') ? { sklearn } : {}),
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
