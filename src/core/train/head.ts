// The classifier head trained on frozen (cached) embeddings. A hand-written loop
// instead of model.fit: class weights, seeded shuffling and dropout, a stop request
// between batches and the best-epoch restore must be exact, not approximate.
import * as tf from '@tensorflow/tfjs';
import { mulberry32, shuffleInPlace } from '../data/random';
import { balancedClassWeights } from './class-weights';
import { TrainError } from './errors';
import { TensorSnapshot } from '../tensor-snapshot';
import { yieldToEvents } from '../yield';
import { evaluate, type Metrics } from './metrics';
import { argmaxRows, BestEpoch, logLoss } from './scores';
import { checkHeadConfig, checkHeadData } from './head-checks';
import type { HeadTrainConfig } from '../model/config';
import { DEFAULT_HEAD_TRAIN_CONFIG } from '../model/specs';
import type { HeadConfig, HeadTrainData } from './head-types';

export type { HeadConfig, HeadTrainConfig, HeadTrainData };

/** The Train form's defaults (one spec table, core/model/specs.ts). */
export const DEFAULT_HEAD_CONFIG: Readonly<HeadTrainConfig> = DEFAULT_HEAD_TRAIN_CONFIG;

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean class-weighted cross-entropy over the batches run (dropout on). */
  trainLoss: number;
  trainAcc: number;
  /** Unweighted mean cross-entropy on validation. */
  valLoss: number;
  valAcc: number;
  valMacroF1: number;
  seconds: number;
  /** Set when a stop request cut this epoch short. */
  partial?: boolean;
}

export interface HeadTrainHooks {
  onEpoch?(log: EpochLog): void;
  /** Polled after every batch; true ends training after that batch (the partial epoch is still evaluated). */
  shouldStop?(): boolean;
}

export interface HeadTrainResult {
  model: tf.LayersModel;
  history: EpochLog[];
  /** 1-based epoch whose weights the model holds. */
  bestEpoch: number;
  stoppedEarly: boolean;
  stoppedByUser: boolean;
  /** Validation metrics of the returned (best) weights. */
  metrics: Metrics;
}

/**
 * dense(relu) → dropout → dense(linear) → softmax. The softmax is its own layer so
 * training can stop at the logits and use logSoftmax (stable) while the saved
 * model still outputs probabilities.
 */
export function createHead(cfg: HeadConfig): tf.LayersModel {
  checkHeadConfig(cfg);
  const model = tf.sequential();
  if (cfg.hiddenUnits > 0) {
    model.add(tf.layers.dense({
      inputShape: [cfg.inputDim], units: cfg.hiddenUnits, activation: 'relu', name: 'hidden',
      kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed }), biasInitializer: 'zeros',
    }));
    if (cfg.dropout > 0) model.add(tf.layers.dropout({ rate: cfg.dropout, seed: cfg.seed, name: 'dropout' }));
  }
  model.add(tf.layers.dense({
    ...(cfg.hiddenUnits > 0 ? {} : { inputShape: [cfg.inputDim] }),
    units: cfg.numClasses, activation: 'linear', name: 'logits',
    kernelInitializer: tf.initializers.glorotUniform({ seed: cfg.seed + 1 }), biasInitializer: 'zeros',
  }));
  model.add(tf.layers.activation({ activation: 'softmax', name: 'probabilities' }));
  return model;
}

/**
 * Logits of a head built by createHead. Dropout is applied here with a per-batch
 * seed: the layer's own fixed seed would draw the same mask for every batch.
 */
function forwardLogits(model: tf.LayersModel, x: tf.Tensor2D, dropout: { rate: number; seed: number } | null): tf.Tensor2D {
  let h: tf.Tensor = x;
  for (const layer of model.layers.slice(0, -1)) {
    if (layer.getClassName() === 'Dropout') {
      if (dropout && dropout.rate > 0) h = tf.dropout(h, dropout.rate, undefined, dropout.seed);
    } else {
      h = layer.apply(h) as tf.Tensor;
    }
  }
  return h as tf.Tensor2D;
}

function rowsToTensor(x: Float32Array, dim: number, rows: ArrayLike<number>): tf.Tensor2D {
  const buf = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) buf.set(x.subarray(rows[i]! * dim, (rows[i]! + 1) * dim), i * dim);
  return tf.tensor2d(buf, [rows.length, dim]);
}

const PREDICT_BATCH = 512;

/** Row-major [n, numClasses] probabilities. Synchronous read: prefer predictProbaAsync on WebGPU. */
export function predictProba(model: tf.LayersModel, x: Float32Array, dim: number): Float32Array {
  const { n, k } = predictShape(model, x, dim);
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += PREDICT_BATCH) {
    const end = Math.min(n, start + PREDICT_BATCH);
    const probs = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(start * dim, end * dim), [end - start, dim])) as tf.Tensor);
    try {
      out.set(probs.dataSync() as Float32Array, start * k);
    } finally {
      probs.dispose();
    }
  }
  return out;
}

export async function predictProbaAsync(model: tf.LayersModel, x: Float32Array, dim: number): Promise<Float32Array> {
  const { n, k } = predictShape(model, x, dim);
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += PREDICT_BATCH) {
    const end = Math.min(n, start + PREDICT_BATCH);
    const probs = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(start * dim, end * dim), [end - start, dim])) as tf.Tensor);
    try {
      out.set((await probs.data()) as Float32Array, start * k);
    } finally {
      probs.dispose();
    }
  }
  return out;
}

/** At most this many rows go through predictProbaOnCpu (a typed text, a few windows); more: tfjs. */
export const CPU_HEAD_MAX_ROWS = 8;

type HeadStep = { kind: 'dense'; kernel: Float32Array; bias: Float32Array | null; inDim: number; outDim: number; activation: string } | { kind: 'activation'; activation: string };
const CPU_ACTIVATIONS = new Set(['linear', 'relu', 'softmax']);
const cpuHeads = new WeakMap<tf.LayersModel, TensorSnapshot<HeadStep[] | null>>();

/** The head's layers as plain arrays (null: a layer this does not evaluate), rebuilt when a weight was assigned since. */
function cpuHeadSteps(model: tf.LayersModel): HeadStep[] | null {
  let snapshot = cpuHeads.get(model);
  if (!snapshot) cpuHeads.set(model, (snapshot = new TensorSnapshot()));
  return snapshot.get(model.weights.map((w) => w.read()), () => readHeadSteps(model));
}

function readHeadSteps(model: tf.LayersModel): HeadStep[] | null {
  const steps: HeadStep[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const activation = String(layer.getConfig().activation ?? 'linear');
    if (kind === 'InputLayer' || kind === 'Dropout') continue; // dropout is the identity when predicting
    if (kind === 'Activation' && CPU_ACTIVATIONS.has(activation)) {
      steps.push({ kind: 'activation', activation });
    } else if (kind === 'Dense' && CPU_ACTIVATIONS.has(activation)) {
      const [kernel, bias] = layer.getWeights();
      steps.push({ kind: 'dense', kernel: kernel!.dataSync() as Float32Array, bias: bias ? (bias.dataSync() as Float32Array) : null, inDim: kernel!.shape[0]!, outDim: kernel!.shape[1]!, activation });
    } else {
      return null;
    }
  }
  return steps;
}

function activateRows(v: Float32Array, n: number, width: number, activation: string): void {
  if (activation === 'relu') for (let i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]!);
  if (activation !== 'softmax') return;
  for (let r = 0; r < n; r++) {
    const row = v.subarray(r * width, (r + 1) * width);
    const max = row.reduce((m, z) => Math.max(m, z), -Infinity);
    let sum = 0;
    for (let j = 0; j < width; j++) sum += row[j] = Math.exp(row[j]! - max);
    for (let j = 0; j < width; j++) row[j]! /= sum;
  }
}

/**
 * predictProbaAsync for a few rows in plain JavaScript (dense layers, dropout, relu/softmax), or null
 * when the head has another kind of layer, there are more than CPU_HEAD_MAX_ROWS rows, or the
 * backend is not WASM/CPU. Why: on
 * WASM with threads each tfjs kernel wakes the idle threads, which after a typing pause cost a few
 * milliseconds of a ~10 ms prediction; the head's arithmetic is ~dim × labels multiply-adds.
 */
export function predictProbaOnCpu(model: tf.LayersModel, x: Float32Array, dim: number): Float32Array | null {
  const { n } = predictShape(model, x, dim);
  // Reading the weights once is a copy on WASM and CPU; on WebGPU/WebGL a synchronous GPU read-back.
  if (n > CPU_HEAD_MAX_ROWS || !['wasm', 'cpu'].includes(tf.getBackend())) return null;
  const steps = cpuHeadSteps(model);
  if (!steps) return null;
  let v = x;
  let width = dim;
  for (const step of steps) {
    if (step.kind === 'dense') {
      const out = new Float32Array(n * step.outDim);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < step.outDim; j++) {
          let s = step.bias ? step.bias[j]! : 0;
          for (let i = 0; i < step.inDim; i++) s += v[r * width + i]! * step.kernel[i * step.outDim + j]!;
          out[r * step.outDim + j] = s;
        }
      }
      v = out;
      width = step.outDim;
    } else if (v === x) {
      v = x.slice(); // never activate the caller's array in place
    }
    activateRows(v, n, width, step.activation);
  }
  return v === x ? x.slice() : v;
}

function predictShape(model: tf.LayersModel, x: Float32Array, dim: number): { n: number; k: number } {
  const inDim = model.inputs[0]!.shape[1];
  if (!Number.isInteger(dim) || dim < 1 || dim !== inDim || x.length % dim !== 0) {
    throw new TrainError('invalid-argument', `predictProba: dim must be the model's input width ${inDim} and divide x.length ${x.length}, got ${dim}`);
  }
  return { n: x.length / dim, k: model.outputs[0]!.shape[1] as number };
}

const YIELD_EVERY_MS = 50;

export async function trainHead(data: HeadTrainData, cfg: Partial<HeadTrainConfig> = {}, hooks: HeadTrainHooks = {}): Promise<HeadTrainResult> {
  // Explicit `undefined` (e.g. an unset form field) means "use the default", not "no value".
  const set = Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined));
  const c: HeadTrainConfig = { ...DEFAULT_HEAD_CONFIG, ...set };
  checkHeadData(data, c);
  const { dim, numClasses: k } = data;
  const nTrain = data.trainY.length;
  const model = createHead({ inputDim: dim, numClasses: k, hiddenUnits: c.hiddenUnits, dropout: c.dropout, seed: c.seed });
  const weights = c.classWeights ? balancedClassWeights(data.trainY, k) : new Float32Array(k).fill(1);
  const optimizer = tf.train.adam(c.learningRate);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = mulberry32(c.seed ^ 0x5bd1e995);
  const history: EpochLog[] = [];
  const tracker = new BestEpoch(c.patience);
  let best: { weights: tf.Tensor[]; metrics: Metrics } | null = null;
  let stoppedEarly = false;
  let stoppedByUser = false;
  let lastYield = performance.now();
  try {
    for (let epoch = 1; epoch <= c.epochs && !stoppedByUser && !stoppedEarly; epoch++) {
      const t0 = performance.now();
      const order = shuffleInPlace(Array.from({ length: nTrain }, (_, i) => i), rng);
      // Sums stay on the device until the epoch ends: one read per epoch, not per batch.
      let lossSum: tf.Scalar = tf.scalar(0);
      let correctSum: tf.Scalar = tf.scalar(0);
      let seen = 0;
      for (let b = 0; b < nTrain; b += c.batchSize) {
        const rows = order.slice(b, b + c.batchSize);
        const dropout = { rate: c.dropout, seed: Math.floor(rng() * 2 ** 31) };
        const [nextLoss, nextCorrect] = tf.tidy(() => {
          const xb = rowsToTensor(data.trainX, dim, rows);
          const ybArr = Int32Array.from(rows, (r) => data.trainY[r]!);
          const yb = tf.tensor1d(ybArr, 'int32');
          const wb = tf.tensor1d(Float32Array.from(ybArr, (y) => weights[y]!));
          let correct: tf.Tensor | undefined;
          const cost = optimizer.minimize(() => {
            const logits = forwardLogits(model, xb, dropout);
            correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32')));
            const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(yb, k)), 1));
            // Keras class_weight semantics: mean over the batch of weight × loss.
            return tf.mean(tf.mul(nll, wb)) as tf.Scalar;
          }, true, vars)!;
          const kept = correct!;
          const out = [tf.add(lossSum, tf.mul(cost, rows.length)) as tf.Scalar, tf.add(correctSum, kept) as tf.Scalar];
          kept.dispose();
          return out;
        });
        tf.dispose([lossSum, correctSum]);
        lossSum = nextLoss!;
        correctSum = nextCorrect!;
        seen += rows.length;
        if (hooks.shouldStop?.()) {
          stoppedByUser = true;
          break;
        }
        // Let the worker receive a stop message even on backends that never await.
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEvents();
          lastYield = performance.now();
        }
      }
      let trainLoss: number;
      let trainCorrect: number;
      try {
        [trainLoss, trainCorrect] = [(await lossSum.data())[0]!, (await correctSum.data())[0]!];
      } finally {
        tf.dispose([lossSum, correctSum]);
      }
      const val = await validate(model, data);
      const log: EpochLog = {
        epoch, trainLoss: trainLoss / seen, trainAcc: trainCorrect / seen, valLoss: val.loss,
        valAcc: val.metrics.accuracy, valMacroF1: val.metrics.macroF1, seconds: (performance.now() - t0) / 1000,
        ...(seen < nTrain ? { partial: true as const } : {}),
      };
      history.push(log);
      hooks.onEpoch?.(log);
      if (tracker.offer(epoch, { f1: val.metrics.macroF1, loss: val.loss })) {
        if (best) tf.dispose(best.weights);
        best = { weights: model.getWeights().map((w) => w.clone()), metrics: val.metrics };
      } else if (tracker.shouldStop(epoch, c.epochs)) {
        stoppedEarly = true;
      }
    }
    model.setWeights(best!.weights);
    return { model, history, bestEpoch: tracker.best!.epoch, stoppedEarly, stoppedByUser, metrics: best!.metrics };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    if (best) tf.dispose(best.weights);
    optimizer.dispose();
  }
}

async function validate(model: tf.LayersModel, data: HeadTrainData): Promise<{ loss: number; metrics: Metrics }> {
  const k = data.numClasses;
  const probs = await predictProbaAsync(model, data.valX, data.dim);
  return { loss: logLoss(probs, data.valY, k), metrics: evaluate(data.valY, argmaxRows(probs, k), k) };
}

/**
 * softmax(z / T) = softmax(x·(W/T) + b/T): a temperature folded into the logits layer, so the head
 * alone (and every export that carries only the head) predicts the calibrated probabilities.
 */
export function foldTemperatureIntoHead(model: tf.LayersModel, temperature: number): void {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new TrainError('invalid-argument', `foldTemperatureIntoHead: temperature must be a positive number, got ${temperature}`);
  }
  if (temperature === 1) return;
  const layer = model.getLayer('logits');
  const scaled = tf.tidy(() => layer.getWeights().map((w) => tf.div(w, temperature)));
  try {
    layer.setWeights(scaled);
  } finally {
    tf.dispose(scaled);
  }
}
