// Few-shot research harness (issue 13): contrastive variants of USE-lite's top layer, measured
// cheaply on the IMDB few-shot protocol of bench/fewshot.ts (same pool, draws, 85/15 split, n-gram
// baseline and logistic-regression head from text-model.ts; test = the 400 reviews after the pool).
// USE-lite has 2 layers; with only the top one tuned, the first layer's token states are fixed, so
// they are computed once per window (first 128 tokens, or up to --windows windows per review, each
// a training example with its review's label; a review's embedding = the re-normalised mean of its
// windows', as the encoder pools) and cached in bench/out/lab/. Every variant then trains and
// re-embeds through the top layer only. Variants that tune only what lies above the top layer's
// pooling (tune=ffn2tanh: its output projection conv2 and the tanh layer; tune=tanh) also cache the
// pooled features (conv2 is linear, so pooled = meanInner·W2 + b2 + meanY) and cost milliseconds.
// The cached path is checked against encoder.embedTexts on startup. It reads the encoder's private
// layers (a bench-only cast), so it is not part of the app.
//   npx tsx bench/fewshot-lab.ts --sizes 8,16,64 --seeds 5 --test 400 [--windows 4] \
//     --variants 'name:key=value;key=value,name2:...'   (or --variants none: baseline and frozen only)
// keys: loss=cosmse|supcon|margin|batchhard, tune=top|ffn2tanh|tanh|attn, lr, steps, batch (texts
// or windows per step; all of them when fewer), tokens (while training), tau (SupCon temperature),
// margin, warmup, l2sp (λ·‖w − w₀‖² toward the initial weights), head=tuned|concat|both (the
// logistic regression on the tuned embeddings, on [frozen ‖ tuned], or both from one tuning).
// stderr: one line per seed and a summary per size; stdout: one JSON object with every run.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, shuffleInPlace } from '../src/core/data/random';
import { stratifiedSplit } from '../src/core/data/split';
import { loadUseLite, type UseLiteEncoder } from '../src/core/encoders/use-lite';
import { attention, dense, l2Normalize, layerNorm, maskedSum, paddingBias } from '../src/core/encoders/ops';
import { padBatch } from '../src/core/tokenizers/batch';
import { predictLinear } from '../src/core/train/logreg';
import { evaluate } from '../src/core/train/metrics';
import { argmaxRows, predictTextModel, trainTextModels, type TextModelResult } from '../src/core/train/text-model';
import { warmupLinearDecay } from '../src/core/train/schedule';
import { loadImdbReviews } from '../tests/support/corpus';
import { readUseFiles } from '../tests/support/use-files';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const log = (msg: string) => console.error(msg);

interface LayerParams {
  heads: number;
  headDim: number;
  queryScale: number;
  ln1Scale: tf.Variable; ln1Bias: tf.Variable; qkvKernel: tf.Variable; qkvBias: tf.Variable; outKernel: tf.Variable; outBias: tf.Variable;
  residualKernel: tf.Variable | null; residualBias: tf.Variable | null;
  ln2Scale: tf.Variable; ln2Bias: tf.Variable; ffn1Kernel: tf.Variable; ffn1Bias: tf.Variable; ffn2Kernel: tf.Variable; ffn2Bias: tf.Variable;
}
interface Internals {
  layers: LayerParams[];
  tanhKernel: tf.Variable;
  tanhBias: tf.Variable;
  embeddings: tf.Variable;
  epsilon: number;
  paddingBias: number;
  l2Epsilon: number;
  timingSignal(seq: number): tf.Tensor2D;
  layer(p: LayerParams, x: tf.Tensor2D, bias: tf.Tensor, batch: number, seq: number): tf.Tensor2D;
}

const TOP_KEYS = ['ln1Scale', 'ln1Bias', 'qkvKernel', 'qkvBias', 'outKernel', 'outBias', 'ln2Scale', 'ln2Bias', 'ffn1Kernel', 'ffn1Bias', 'ffn2Kernel', 'ffn2Bias'] as const;
type TopKey = (typeof TOP_KEYS)[number] | 'tanhKernel' | 'tanhBias';
type Top = Record<TopKey, tf.Tensor>;

/** Layer-0 token states of one text: [T, 512]. */
interface State {
  x: Float32Array;
  len: number;
  /** The frozen top layer's token means below its output projection (conv2 is linear, so the
   * pooled output is meanInner·W2 + b2 + meanY): what variants tuning only W2 and the tanh layer need. */
  inner?: Float32Array;
  meanY?: Float32Array;
}
/** A text: the states of its windows (one unless --windows > 1). */
type Item = State[];

let enc: UseLiteEncoder;
let I: Internals;
let W = 512;

function lowerStates(idsList: number[][]): State[] {
  const out: State[] = [];
  for (let s = 0; s < idsList.length; s += 32) {
    const rows = idsList.slice(s, s + 32);
    const padded = padBatch(rows, 128);
    const [B, T] = [padded.batch, padded.seqLength];
    const x = tf.tidy(() => {
      const ids = tf.tensor2d(padded.ids, [B, T], 'int32');
      const mask = tf.tensor2d(padded.mask, [B, T], 'float32');
      const e = tf.reshape(tf.gather(I.embeddings, tf.reshape(ids, [-1])), [B, T, -1]);
      const x0 = tf.reshape(tf.add(e, tf.add(e, I.timingSignal(T))), [B * T, -1]) as tf.Tensor2D;
      return I.layer(I.layers[0]!, x0, paddingBias(mask, I.paddingBias), B, T);
    });
    const data = x.dataSync() as Float32Array;
    x.dispose();
    rows.forEach((r, b) => out.push({ x: data.slice(b * T * W, b * T * W + r.length * W), len: Math.max(1, r.length) }));
  }
  return out;
}

function batchOf(states: State[], maxTokens: number): { x: tf.Tensor2D; mask: tf.Tensor2D; B: number; T: number } {
  const B = states.length;
  const T = Math.min(maxTokens, Math.max(...states.map((s) => s.len)));
  const x = new Float32Array(B * T * W);
  const mask = new Float32Array(B * T);
  states.forEach((s, b) => {
    const n = Math.min(T, s.len);
    x.set(s.x.subarray(0, n * W), b * T * W);
    mask.fill(1, b * T, b * T + n);
  });
  return { x: tf.tensor2d(x, [B * T, W]), mask: tf.tensor2d(mask, [B, T]), B, T };
}

/** The top layer + pooling + tanh + l2norm from layer-0 states (mirrors UseLiteEncoder.forward). */
function topForward(p: Top, x: tf.Tensor2D, mask: tf.Tensor2D, B: number, T: number, shape: LayerParams): tf.Tensor2D {
  const bias = paddingBias(mask, I.paddingBias);
  const normed = layerNorm(x, p.ln1Scale, p.ln1Bias, I.epsilon);
  const [q, k, v] = tf.split(dense(normed, p.qkvKernel, p.qkvBias), 3, 1) as tf.Tensor2D[];
  const merged = attention(q!, k!, v!, bias, { batch: B, seq: T, heads: shape.heads, headDim: shape.headDim, queryScale: shape.queryScale });
  const y = tf.add(dense(merged, p.outKernel, p.outBias), x) as tf.Tensor2D;
  const inner = dense(layerNorm(y, p.ln2Scale, p.ln2Bias, I.epsilon), p.ffn1Kernel, p.ffn1Bias, 'relu');
  const counts = tf.sum(mask, 1, true);
  const sumInner = maskedSum(tf.reshape(inner, [B, T, -1]), mask);
  const sumY = maskedSum(tf.reshape(y, [B, T, -1]), mask);
  const pooled = tf.div(tf.add(tf.add(tf.matMul(sumInner, p.ffn2Kernel), tf.mul(counts, p.ffn2Bias)), sumY), tf.maximum(counts, 1)) as tf.Tensor2D;
  return l2Normalize(tf.tanh(dense(pooled, p.tanhKernel, p.tanhBias)), I.l2Epsilon);
}

/** Texts' embeddings: the mean of their windows' embeddings, re-normalised (as the encoder pools). */
function embedItems(p: Top, items: Item[]): Float32Array {
  const flat = items.flat();
  const e = embedStates(p, flat);
  const out = new Float32Array(items.length * enc.dim);
  let w = 0;
  items.forEach((item, i) => {
    for (const _ of item) {
      for (let d = 0; d < enc.dim; d++) out[i * enc.dim + d]! += e[w * enc.dim + d]!;
      w++;
    }
    let sq = 0;
    for (let d = 0; d < enc.dim; d++) sq += out[i * enc.dim + d]! ** 2;
    const inv = 1 / Math.sqrt(Math.max(sq, 1e-24));
    for (let d = 0; d < enc.dim; d++) out[i * enc.dim + d]! *= inv;
  });
  return out;
}

/** Frozen per-window features for the pooled variants, computed once. */
function addPooledFeatures(states: State[]): void {
  const p = frozenTop();
  const l = I.layers[1]!;
  for (let s = 0; s < states.length; s += 32) {
    const rows = states.slice(s, s + 32);
    const [inner, my] = tf.tidy(() => {
      const b = batchOf(rows, 128);
      const bias = paddingBias(b.mask, I.paddingBias);
      const normed = layerNorm(b.x, p.ln1Scale, p.ln1Bias, I.epsilon);
      const [q, k, v] = tf.split(dense(normed, p.qkvKernel, p.qkvBias), 3, 1) as tf.Tensor2D[];
      const merged = attention(q!, k!, v!, bias, { batch: b.B, seq: b.T, heads: l.heads, headDim: l.headDim, queryScale: l.queryScale });
      const y = tf.add(dense(merged, p.outKernel, p.outBias), b.x) as tf.Tensor2D;
      const inn = dense(layerNorm(y, p.ln2Scale, p.ln2Bias, I.epsilon), p.ffn1Kernel, p.ffn1Bias, 'relu');
      const counts = tf.maximum(tf.sum(b.mask, 1, true), 1);
      return [tf.div(maskedSum(tf.reshape(inn, [b.B, b.T, -1]), b.mask), counts), tf.div(maskedSum(tf.reshape(y, [b.B, b.T, -1]), b.mask), counts)];
    });
    const di = inner!.dataSync() as Float32Array;
    const dy = my!.dataSync() as Float32Array;
    const fi = inner!.shape[1]!;
    tf.dispose([inner!, my!]);
    rows.forEach((r, j) => {
      r.inner = di.slice(j * fi, (j + 1) * fi);
      r.meanY = dy.slice(j * W, (j + 1) * W);
    });
  }
}

let FAST = false;
/** The pooled variants' forward: l2norm(tanh((meanInner·W2 + b2 + meanY)·Wt + bt)). */
function fastForward(p: Top, states: State[]): tf.Tensor2D {
  const fi = states[0]!.inner!.length;
  const inner = new Float32Array(states.length * fi);
  const my = new Float32Array(states.length * W);
  states.forEach((s, i) => {
    inner.set(s.inner!, i * fi);
    my.set(s.meanY!, i * W);
  });
  const pooled = tf.add(dense(tf.tensor2d(inner, [states.length, fi]), p.ffn2Kernel, p.ffn2Bias), tf.tensor2d(my, [states.length, W])) as tf.Tensor2D;
  return l2Normalize(tf.tanh(dense(pooled, p.tanhKernel, p.tanhBias)), I.l2Epsilon);
}

function embedStates(p: Top, states: State[], maxTokens = 128): Float32Array {
  const out = new Float32Array(states.length * enc.dim);
  // Sorted by length so batches pad little.
  const order = Array.from(states.keys()).sort((a, b) => states[b]!.len - states[a]!.len);
  for (let s = 0; s < order.length; s += 32) {
    const rows = order.slice(s, s + 32);
    const e = tf.tidy(() => {
      if (FAST) return fastForward(p, rows.map((r) => states[r]!));
      const b = batchOf(rows.map((r) => states[r]!), maxTokens);
      return topForward(p, b.x, b.mask, b.B, b.T, I.layers[1]!);
    });
    const d = e.dataSync() as Float32Array;
    e.dispose();
    rows.forEach((r, j) => out.set(d.subarray(j * enc.dim, (j + 1) * enc.dim), r * enc.dim));
  }
  return out;
}

interface Variant {
  name: string;
  loss: 'cosmse' | 'supcon' | 'margin' | 'batchhard';
  /** Which parameters are tuned. */
  tune: 'top' | 'tanh' | 'ffn2tanh' | 'attn';
  lr: number;
  steps: number;
  /** Texts per step (all training texts when larger). */
  batch: number;
  tokens: number;
  tau: number;
  margin: number;
  warmup: number;
  l2sp: number;
  head: 'tuned' | 'concat' | 'both';
}
const BASE: Variant = { name: 'base', loss: 'cosmse', tune: 'top', lr: 1e-4, steps: 30, batch: 32, tokens: 64, tau: 0.1, margin: 0.5, warmup: 0.1, l2sp: 0, head: 'tuned' };

function parseVariant(spec: string): Variant {
  // name:key=value;key=value
  const [name, rest] = spec.split(':');
  const v: Variant = { ...BASE, name: name! };
  for (const kv of (rest ?? '').split(';').filter(Boolean)) {
    const [k, val] = kv.split('=');
    const cur = (v as unknown as Record<string, unknown>)[k!];
    if (cur === undefined) throw new Error(`unknown key ${k}`);
    (v as unknown as Record<string, unknown>)[k!] = typeof cur === 'number' ? Number(val) : val;
  }
  return v;
}

/** Loss over a batch of L2-normalised embeddings E [n, d] with labels y. */
function batchLoss(v: Variant, E: tf.Tensor2D, y: Int32Array): tf.Scalar {
  const n = y.length;
  const same = new Float32Array(n * n);
  const diff = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i === j) continue;
    if (y[i] === y[j]) same[i * n + j] = 1;
    else diff[i * n + j] = 1;
  }
  const S = tf.tensor2d(same, [n, n]);
  const D = tf.tensor2d(diff, [n, n]);
  const cos = tf.matMul(E, E, false, true);
  if (v.loss === 'cosmse') {
    // Balanced: mean over positive pairs of (cos−1)² + mean over negative pairs of cos².
    const pos = tf.div(tf.sum(tf.mul(S, tf.square(tf.sub(cos, 1)))), tf.maximum(tf.sum(S), 1));
    const neg = tf.div(tf.sum(tf.mul(D, tf.square(cos))), tf.maximum(tf.sum(D), 1));
    return tf.mul(tf.add(pos, neg), 0.5) as tf.Scalar;
  }
  if (v.loss === 'margin') {
    // Contrastive (Hadsell): positives pulled to cos 1, negatives pushed below the margin.
    const pos = tf.div(tf.sum(tf.mul(S, tf.square(tf.sub(1, cos)))), tf.maximum(tf.sum(S), 1));
    const neg = tf.div(tf.sum(tf.mul(D, tf.square(tf.relu(tf.sub(cos, v.margin))))), tf.maximum(tf.sum(D), 1));
    return tf.mul(tf.add(pos, neg), 0.5) as tf.Scalar;
  }
  if (v.loss === 'batchhard') {
    // Triplet, batch-hard: per anchor the farthest positive and the closest negative (cosine distance).
    const big = 10;
    const hardPos = tf.min(tf.add(cos, tf.mul(tf.sub(1, S), big)), 1);
    const hardNeg = tf.max(tf.sub(cos, tf.mul(tf.sub(1, D), big)), 1);
    return tf.mean(tf.relu(tf.add(tf.sub(hardNeg, hardPos), v.margin))) as tf.Scalar;
  }
  // SupCon (Khosla et al. 2020): per anchor, mean over its positives of −log softmax over all others.
  const logits = tf.div(cos, v.tau);
  const notSelf = tf.add(S, D);
  // cos ≤ 1, so 1/τ bounds every logit: a constant shift keeps exp() in range.
  const maxL = tf.scalar(1 / v.tau);
  const expL = tf.mul(tf.exp(tf.sub(logits, maxL)), notSelf);
  const logDen = tf.add(tf.log(tf.sum(expL, 1, true)), maxL);
  const logProb = tf.sub(logits, logDen);
  const posCount = tf.sum(S, 1);
  const perAnchor = tf.div(tf.sum(tf.mul(S, logProb), 1), tf.maximum(posCount, 1));
  const has = tf.cast(tf.greater(posCount, 0), 'float32');
  return tf.neg(tf.div(tf.sum(tf.mul(perAnchor, has)), tf.maximum(tf.sum(has), 1))) as tf.Scalar;
}

function tunedKeys(v: Variant): TopKey[] {
  if (v.tune === 'tanh') return ['tanhKernel', 'tanhBias'];
  if (v.tune === 'ffn2tanh') return ['ffn2Kernel', 'ffn2Bias', 'tanhKernel', 'tanhBias'];
  if (v.tune === 'attn') return ['ln1Scale', 'ln1Bias', 'qkvKernel', 'qkvBias', 'outKernel', 'outBias'];
  return [...TOP_KEYS, 'tanhKernel', 'tanhBias'];
}

function frozenTop(): Top {
  const l = I.layers[1]!;
  const p = Object.fromEntries(TOP_KEYS.map((k) => [k, l[k]])) as Partial<Top>;
  p.tanhKernel = I.tanhKernel;
  p.tanhBias = I.tanhBias;
  return p as Top;
}

async function tune(v: Variant, states: State[], y: Int32Array, seed: number): Promise<{ top: Top; vars: tf.Variable[]; first: number; last: number }> {
  const base = frozenTop();
  const keys = tunedKeys(v);
  const vars: tf.Variable[] = [];
  const top = { ...base } as Top;
  const init: tf.Tensor[] = [];
  for (const k of keys) {
    const copy = base[k].clone();
    const t = tf.variable(copy, true);
    copy.dispose();
    vars.push(t);
    init.push(base[k]);
    top[k] = t;
  }
  const opt = tf.train.adam(v.lr);
  const rng = mulberry32(seed * 31 + 7);
  let first = NaN, last = NaN;
  const n = y.length;
  for (let step = 0; step < v.steps; step++) {
    const mult = warmupLinearDecay(step, v.steps, v.warmup);
    (opt as unknown as { learningRate: number }).learningRate = v.lr * mult;
    const rows = n <= v.batch ? Array.from(y.keys()) : balancedSample(y, v.batch, rng);
    const by = Int32Array.from(rows, (r) => y[r]!);
    const loss = opt.minimize(() => {
      let E: tf.Tensor2D;
      if (FAST) E = fastForward(top, rows.map((r) => states[r]!));
      else {
        const b = batchOf(rows.map((r) => states[r]!), v.tokens);
        E = topForward(top, b.x, b.mask, b.B, b.T, I.layers[1]!);
      }
      let l = batchLoss(v, E, by);
      if (v.l2sp > 0) vars.forEach((w, i) => (l = tf.add(l, tf.mul(v.l2sp, tf.sum(tf.square(tf.sub(w, init[i]!)))))));
      return l;
    }, true, vars)!;
    const lv = (await loss.data())[0]!;
    loss.dispose();
    if (step === 0) first = lv;
    last = lv;
  }
  opt.dispose();
  return { top, vars, first, last };
}

function balancedSample(y: Int32Array, count: number, rng: () => number): number[] {
  const byLabel = new Map<number, number[]>();
  y.forEach((c, i) => (byLabel.get(c) ?? byLabel.set(c, []).get(c)!).push(i));
  const per = Math.floor(count / byLabel.size);
  return [...byLabel.values()].flatMap((rows) => shuffleInPlace(rows.slice(), rng).slice(0, per));
}

interface Score { acc: number; f1: number }
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
const sd = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / Math.max(1, a.length - 1));

async function main() {
  await tf.setBackend('wasm');
  const sizes = (arg('sizes') ?? '8,16').split(',').map(Number);
  const seeds = Number(arg('seeds') ?? 5);
  const nTest = Number(arg('test') ?? 400);
  const variants = arg('variants') === 'none' ? [] : (arg('variants') ?? 'base').split(',').map(parseVariant);
  const reviews = shuffleInPlace(loadImdbReviews().slice(), mulberry32(13));
  const pool = { texts: reviews.slice(0, 2000).map((r) => r.t), y: Int32Array.from(reviews.slice(0, 2000), (r) => r.s) };
  const test = { texts: reviews.slice(2000, 2000 + nTest).map((r) => r.t), y: Int32Array.from(reviews.slice(2000, 2000 + nTest), (r) => r.s) };
  enc = await loadUseLite(readUseFiles());
  I = enc as unknown as Internals;
  W = I.layers[1]!.ln1Scale.shape[0]!;
  const k = 2;
  const byClass = Array.from({ length: k }, (_, c) => Array.from(pool.y.keys()).filter((i) => pool.y[i] === c));
  const maxN = Math.max(...sizes);
  const needed = new Set<number>();
  for (let seed = 1; seed <= seeds; seed++) byClass.forEach((rows, c) => shuffleInPlace(rows.slice(), mulberry32(seed * 7919 + c)).slice(0, maxN).forEach((i) => needed.add(i)));
  // Layer-0 states, cached on disk per text.
  const dir = join(import.meta.dirname, 'out', 'lab');
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const nWin = Number(arg('windows') ?? 1);
  const statesFor = (key0: string, texts: string[]): Item[] => {
    const key = `${key0}-w${nWin}`;
    const file = join(dir, `${key}.bin`);
    const { windows, owner } = enc.tokenize(texts, { policy: 'chunk', maxWindows: nWin });
    const group = (st: State[]): Item[] => {
      const items: Item[] = texts.map(() => []);
      st.forEach((x, w) => items[owner[w]!]!.push(x));
      return items;
    };
    if (existsSync(file)) {
      const buf = readFileSync(file);
      const f = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      const out: State[] = [];
      let o = 0;
      for (let i = 0; i < windows.length; i++) {
        const len = f[o]!;
        out.push({ len, x: f.slice(o + 1, o + 1 + len * W) });
        o += 1 + len * W;
      }
      return group(out);
    }
    const st = lowerStates(windows);
    const total = st.reduce((s, x) => s + 1 + x.len * W, 0);
    const f = new Float32Array(total);
    let o = 0;
    for (const s of st) {
      f[o] = s.len;
      f.set(s.x, o + 1);
      o += 1 + s.len * W;
    }
    writeFileSync(file, Buffer.from(f.buffer));
    return group(st);
  };
  const poolIdx = [...needed].sort((a, b) => a - b);
  const poolStatesList = statesFor(`pool-s${seeds}-n${maxN}`, poolIdx.map((i) => pool.texts[i]!));
  const poolStates = new Map(poolIdx.map((i, j) => [i, poolStatesList[j]!]));
  const testStates = statesFor(`test-${nTest}`, test.texts);
  log(`states (${nWin} windows max): ${poolIdx.length} pool + ${nTest} test texts, ${poolStatesList.flat().length + testStates.flat().length} windows in ${Math.round((Date.now() - t0) / 1000)} s`);
  const anyFast = variants.some((v) => v.tune === 'ffn2tanh' || v.tune === 'tanh');
  if (anyFast) {
    // Cached on disk next to the states: one frozen pass over every window.
    const cachedPooled = (key: string, states: State[]) => {
      const file = join(dir, `${key}-w${nWin}-pooled.bin`);
      const fi = I.layers[1]!.ffn1Bias.shape[0]!;
      if (existsSync(file)) {
        const buf = readFileSync(file);
        const f = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
        states.forEach((st, i) => {
          st.inner = f.slice(i * (fi + W), i * (fi + W) + fi);
          st.meanY = f.slice(i * (fi + W) + fi, (i + 1) * (fi + W));
        });
        return;
      }
      addPooledFeatures(states);
      const f = new Float32Array(states.length * (fi + W));
      states.forEach((st, i) => {
        f.set(st.inner!, i * (fi + W));
        f.set(st.meanY!, i * (fi + W) + fi);
      });
      writeFileSync(file, Buffer.from(f.buffer));
    };
    cachedPooled(`pool-s${seeds}-n${maxN}`, poolStatesList.flat());
    cachedPooled(`test-${nTest}`, testStates.flat());
    log(`pooled features ready (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  const frozen = frozenTop();
  // With every window's pooled features at hand the frozen embeddings need no token pass either.
  const embedFrozen = (items: Item[]) => {
    FAST = anyFast;
    const e = embedItems(frozen, items);
    FAST = false;
    return e;
  };
  const testFrozen = embedFrozen(testStates);
  {
    // The cached path must give the encoder's own first-window embeddings.
    const ref = await enc.embedTexts(test.texts.slice(0, 8), { longText: { policy: 'chunk', maxWindows: nWin } });
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - testFrozen[i]!));
    log(`cached top layer vs encoder.embedTexts: max |Δ| ${worst.toExponential(2)}`);
    if (worst > 1e-4) throw new Error('cached path differs from the encoder');
  }
  const table: Record<string, Record<string, Score[]>> = {};
  for (const n of sizes) {
    for (let seed = 1; seed <= seeds; seed++) {
      const subset = byClass.flatMap((rows, c) => shuffleInPlace(rows.slice(), mulberry32(seed * 7919 + c)).slice(0, n));
      const subY = Int32Array.from(subset, (i) => pool.y[i]!);
      const split = stratifiedSplit(subY, 0.15, seed);
      const trIdx = split.train.map((j) => subset[j]!);
      const valIdx = split.val.map((j) => subset[j]!);
      const tr = { texts: trIdx.map((i) => pool.texts[i]!), y: Int32Array.from(trIdx, (i) => pool.y[i]!), st: trIdx.map((i) => poolStates.get(i)!) };
      const val = { texts: valIdx.map((i) => pool.texts[i]!), y: Int32Array.from(valIdx, (i) => pool.y[i]!), st: valIdx.map((i) => poolStates.get(i)!) };
      const fit = (trEmb: Float32Array, valEmb: Float32Array, dim: number): TextModelResult =>
        trainTextModels({ trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: k, trainEmb: trEmb, valEmb, dim, classWeights: true, only: ['baseline', 'encoder'] });
      const score = (res: TextModelResult, testEmb: Float32Array, dim: number): Score => {
        const p = predictLinear(res.encoderHead!, { rows: test.texts.length, sparse: null, dense: { data: testEmb, dim } });
        const m = evaluate(test.y, argmaxRows(p, k), k);
        return { acc: m.accuracy, f1: m.macroF1 };
      };
      const add = (variant: string, s: Score) => ((table[n] ??= {})[variant] ??= []).push(s);
      const trF = embedFrozen(tr.st);
      const valF = embedFrozen(val.st);
      const fr = fit(trF, valF, enc.dim);
      const bm = evaluate(test.y, argmaxRows(predictTextModel(fr.all.baseline!, test.texts, null, null, k), k), k);
      add('baseline', { acc: bm.accuracy, f1: bm.macroF1 });
      add('frozen', score(fr, testFrozen, enc.dim));
      const line: string[] = [`n=${n} seed ${seed}: baseline ${bm.accuracy.toFixed(3)} frozen ${table[n]!.frozen!.at(-1)!.acc.toFixed(3)}`];
      for (const v of variants) {
        const t1 = Date.now();
        // Every window is a training example with its text's label.
        const trWin = tr.st.flat();
        const trWinY = Int32Array.from(tr.st.flatMap((item, i) => item.map(() => tr.y[i]!)));
        FAST = v.tune === 'ffn2tanh' || v.tune === 'tanh';
        const tuned = await tune(v, trWin, trWinY, seed);
        const trT = embedItems(tuned.top, tr.st);
        const valT = embedItems(tuned.top, val.st);
        const teT = embedItems(tuned.top, testStates);
        FAST = false;
        tf.dispose(tuned.vars);
        let s: Score;
        if (v.head !== 'tuned') {
          const cat = (a: Float32Array, b: Float32Array, rows: number) => {
            const o = new Float32Array(rows * 2 * enc.dim);
            for (let r = 0; r < rows; r++) {
              o.set(a.subarray(r * enc.dim, (r + 1) * enc.dim), r * 2 * enc.dim);
              o.set(b.subarray(r * enc.dim, (r + 1) * enc.dim), r * 2 * enc.dim + enc.dim);
            }
            return o;
          };
          s = score(fit(cat(trF, trT, tr.y.length), cat(valF, valT, val.y.length), 2 * enc.dim), cat(testFrozen, teT, nTest), 2 * enc.dim);
          if (v.head === 'both') {
            const t = score(fit(trT, valT, enc.dim), teT, enc.dim);
            add(`${v.name}-tuned`, t);
            line.push(`${v.name}-tuned ${t.acc.toFixed(3)}`);
          }
        } else {
          s = score(fit(trT, valT, enc.dim), teT, enc.dim);
        }
        add(v.name, s);
        line.push(`${v.name} ${s.acc.toFixed(3)} (loss ${tuned.first.toFixed(3)}→${tuned.last.toFixed(3)}, ${Math.round((Date.now() - t1) / 1000)} s)`);
      }
      log(line.join(' | ') + ` tensors ${tf.memory().numTensors}`);
    }
    const sum = Object.entries(table[n]!).map(([name, s]) => `${name} ${mean(s.map((x) => x.acc)).toFixed(4)}±${sd(s.map((x) => x.acc)).toFixed(3)} (F1 ${mean(s.map((x) => x.f1)).toFixed(4)})`);
    log(`== n=${n}, ${seeds} seeds, ${nTest} test: ${sum.join(' | ')}`);
  }
  console.log(JSON.stringify({ test: nTest, seeds, variants, results: Object.fromEntries(Object.entries(table).map(([n, t]) => [n, Object.fromEntries(Object.entries(t).map(([name, s]) => [name, { acc: mean(s.map((x) => x.acc)), sd: sd(s.map((x) => x.acc)), f1: mean(s.map((x) => x.f1)), runs: s.map((x) => x.acc) }]))])) }));
  enc.dispose();
}

await main();
