// Contrastive few-shot fine-tuning (SetFit: Tunstall et al., 2022, "Efficient Few-Shot Learning
// Without Prompts"). With a handful of labelled rows, a softmax fine-tune has too little signal;
// pairs multiply it: from n rows, R iterations each give every row one positive pair (same label)
// and one negative pair (another label), and the encoder's top K layers learn to put the pooled,
// L2-normalised embeddings of a positive pair at cosine 1 and of a negative pair at cosine 0
// (mean squared error: sentence-transformers' CosineSimilarityLoss). The logistic-regression
// head is then fitted on the tuned embeddings by the usual Train (text-model.ts), so the tuned
// encoder competes with the frozen head and the n-gram baseline on the same validation rows.
//
// The optimisation reuses FineTuner (Adam on the unfrozen variables, gradient clipping, the
// NaN guard and the optimizer state a checkpoint stores), with warm-up then linear decay.

import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, shuffleInPlace } from '../data/random';
import { padBatch } from '../tokenizers/batch';
import { TrainError } from './errors';
import { FineTuner, NonFiniteLossError, type FineTunerState } from './finetune';
import type { NamedWeightsEncoder } from './finetune-run';
import { warmupLinearDecay } from './schedule';
import { DEFAULT_CONTRASTIVE_CONFIG, type ContrastiveConfig } from './contrastive-config';
import { yieldToEvents } from '../yield';

export { DEFAULT_CONTRASTIVE_CONFIG, type ContrastiveConfig } from './contrastive-config';

/** Pairs of row indices with their target cosine (1 = same label, 0 = different labels). */
export interface Pairs {
  a: Int32Array;
  b: Int32Array;
  target: Float32Array;
}

/**
 * SetFit's pair generation, seeded and capped. Iteration-major: in each of `iterations` rounds
 * every row (in a shuffled order) anchors one positive and one negative pair, so positives and
 * negatives are exactly balanced and a cap keeps every row's share within one pair of the others.
 * A row whose label has no other row anchors nothing (it still appears as a negative partner).
 * The negative's label is drawn uniformly among the other labels, then a row of it.
 */
export function generatePairs(y: Int32Array, options: { iterations: number; maxPairs: number; seed: number }): Pairs {
  const { iterations, maxPairs, seed } = options;
  if (!Number.isInteger(iterations) || iterations < 1) throw new TrainError('invalid-argument', `generatePairs: iterations must be an integer ≥ 1; received ${iterations}`);
  if (!Number.isInteger(maxPairs) || maxPairs < 2) throw new TrainError('invalid-argument', `generatePairs: maxPairs must be an integer ≥ 2; received ${maxPairs}`);
  const byLabel = new Map<number, number[]>();
  y.forEach((c, i) => {
    let rows = byLabel.get(c);
    if (!rows) byLabel.set(c, (rows = []));
    rows.push(i);
  });
  const labels = [...byLabel.keys()].sort((p, q) => p - q);
  if (labels.length < 2) throw new TrainError('invalid-argument', `generatePairs: contrastive pairs need at least 2 labels; received ${labels.length}`);
  const anchors = Array.from(y.keys()).filter((i) => byLabel.get(y[i]!)!.length >= 2);
  if (anchors.length === 0) throw new TrainError('invalid-argument', 'generatePairs: no label has 2 rows, so there is no positive pair');
  const rng = mulberry32(seed ^ 0x5e7f17);
  const cap = Math.min(maxPairs - (maxPairs % 2), 2 * iterations * anchors.length);
  const a = new Int32Array(cap);
  const b = new Int32Array(cap);
  const target = new Float32Array(cap);
  let n = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  for (let r = 0; r < iterations && n < cap; r++) {
    for (const i of shuffleInPlace(anchors.slice(), rng)) {
      if (n >= cap) break;
      const same = byLabel.get(y[i]!)!;
      let j = pick(same);
      while (j === i) j = pick(same);
      a[n] = i;
      b[n] = j;
      target[n++] = 1;
      const other = pick(labels.filter((c) => c !== y[i]));
      a[n] = i;
      b[n] = pick(byLabel.get(other)!);
      target[n++] = 0;
    }
  }
  return { a, b, target };
}

/**
 * Mean squared error between cos(a_i, b_i) and target_i. The rows are normalised here (with an ε
 * inside the square root, so a zero row has a finite gradient): BERT encoders without a
 * normalising pooling layer give unnormalised embeddings.
 */
export function cosineSimilarityLoss(a: tf.Tensor2D, b: tf.Tensor2D, target: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const eps = 1e-12;
    const na = tf.sqrt(tf.add(tf.sum(tf.square(a), 1), eps));
    const nb = tf.sqrt(tf.add(tf.sum(tf.square(b), 1), eps));
    const cos = tf.div(tf.sum(tf.mul(a, b), 1), tf.mul(na, nb));
    return tf.mean(tf.square(tf.sub(cos, target))) as tf.Scalar;
  });
}

export interface ContrastiveData {
  texts: readonly string[];
  y: Int32Array;
}

export interface ContrastiveCheckpoint {
  /** Optimisation steps completed. */
  step: number;
  totalSteps: number;
  config: ContrastiveConfig;
  /** The unfrozen encoder weights after `step` steps, by file name. */
  encoder: { name: string; shape: number[]; data: Float32Array }[];
  /** Training loss of every completed step. */
  losses: number[];
  optimizer: FineTunerState;
}

export interface ContrastiveHooks {
  onStep?(step: number, totalSteps: number, loss: number): void;
  onCheckpoint?(checkpoint: ContrastiveCheckpoint): Promise<void>;
  shouldStop?(): boolean;
}

export type ContrastiveStopReason = 'completed' | 'user' | 'non-finite-loss';

export interface ContrastiveResult {
  losses: number[];
  steps: number;
  totalSteps: number;
  pairs: number;
  stopReason: ContrastiveStopReason;
  message: string | null;
  /** The unfrozen encoder weights the encoder now holds, by file name. */
  encoderWeights: ContrastiveCheckpoint['encoder'];
  seconds: number;
}

/** Steps a run takes: epochs × ⌈pairs / batch⌉ (for time estimates and progress). */
export function contrastiveSteps(y: Int32Array, config: ContrastiveConfig): { pairs: number; totalSteps: number } {
  const pairs = generatePairs(y, config).a.length;
  return { pairs, totalSteps: config.epochs * Math.ceil(pairs / config.batchSize) };
}

function checkConfig(config: ContrastiveConfig): void {
  const positiveInt = (name: keyof ContrastiveConfig) => {
    const v = config[name] as number;
    if (!Number.isInteger(v) || v < 1) throw new TrainError('invalid-argument', `contrastive ${name} must be an integer ≥ 1; received ${v}`);
  };
  for (const name of ['unfreezeLayers', 'iterations', 'batchSize', 'epochs', 'maxTokens', 'checkpointEvery'] as const) positiveInt(name);
  if (!(config.encoderLearningRate > 0 && config.encoderLearningRate < 1)) {
    throw new TrainError('invalid-argument', `contrastive encoderLearningRate must be in (0, 1); received ${config.encoderLearningRate}`);
  }
  if (!(config.warmupFraction >= 0 && config.warmupFraction < 1)) {
    throw new TrainError('invalid-argument', `contrastive warmupFraction must be in [0, 1); received ${config.warmupFraction}`);
  }
}

/**
 * Tunes the encoder's top layers in place on contrastive pairs of the labelled rows. A user stop
 * keeps the weights reached so far; a NaN/Inf loss puts back the last checkpoint's weights (or
 * the starting ones) and says so in `message`.
 */
export async function contrastiveTune(
  encoder: NamedWeightsEncoder,
  data: ContrastiveData,
  config: ContrastiveConfig = DEFAULT_CONTRASTIVE_CONFIG,
  hooks: ContrastiveHooks = {},
  resumeFrom?: ContrastiveCheckpoint,
): Promise<ContrastiveResult> {
  checkConfig(config);
  if (data.texts.length !== data.y.length) throw new TrainError('invalid-argument', `contrastiveTune: ${data.texts.length} texts for ${data.y.length} labels`);
  const started = Date.now();
  const layers = Math.min(config.unfreezeLayers, encoder.numLayers);
  const unfrozen = new Set(encoder.trainableVariables(layers).map((v) => v.name));
  const unfrozenWeights = encoder.namedWeights().filter((w) => w.tensor instanceof tf.Variable && unfrozen.has(w.tensor.name));
  const fileNameOf = new Map(unfrozenWeights.map((w) => [(w.tensor as tf.Variable).name, w.name]));
  const nameOf = (variableName: string): string => fileNameOf.get(variableName) ?? variableName;
  const snapshot = async (): Promise<ContrastiveCheckpoint['encoder']> => {
    const out: ContrastiveCheckpoint['encoder'] = [];
    for (const w of unfrozenWeights) out.push({ name: w.name, shape: w.tensor.shape.slice(), data: ((await w.tensor.data()) as Float32Array).slice() });
    return out;
  };

  const pairs = generatePairs(data.y, config);
  const perEpoch = Math.ceil(pairs.a.length / config.batchSize);
  const totalSteps = perEpoch * config.epochs;
  if (resumeFrom && (resumeFrom.totalSteps !== totalSteps || resumeFrom.step > totalSteps)) {
    throw new TrainError('invalid-argument', `the checkpoint is step ${resumeFrom.step} of ${resumeFrom.totalSteps}; these rows and settings make ${totalSteps} steps`);
  }
  const maxTokens = Math.min(config.maxTokens, encoder.maxSeqLength);
  const ids = data.texts.map((t) => encoder.encodeIds(t).slice(0, maxTokens));
  // The head is unused (the loss never reaches it); FineTuner needs ≥ 2 classes to build one.
  const tuner = new FineTuner(encoder, 2, { unfreezeLayers: layers, encoderLearningRate: config.encoderLearningRate, headLearningRate: 1e-3, clipNorm: config.clipNorm, seed: config.seed });
  try {
    // The weights a NaN/Inf loss falls back to: the latest checkpoint's, or the starting ones.
    let lastGood: ContrastiveCheckpoint['encoder'];
    if (resumeFrom) {
      encoder.assignWeights(resumeFrom.encoder);
      await tuner.restoreOptimizerState(resumeFrom.optimizer, nameOf);
      lastGood = resumeFrom.encoder;
    } else {
      lastGood = await snapshot();
    }
    const losses = resumeFrom ? resumeFrom.losses.slice() : [];
    let step = resumeFrom?.step ?? 0;
    let stopReason: ContrastiveStopReason = 'completed';
    let message: string | null = null;
    const checkpoint = async () => {
      const encoderWeights = await snapshot();
      lastGood = encoderWeights;
      await hooks.onCheckpoint?.({ step, totalSteps, config, encoder: encoderWeights, losses: losses.slice(), optimizer: await tuner.optimizerState(nameOf) });
    };
    let order: number[] = [];
    while (step < totalSteps) {
      const epoch = Math.floor(step / perEpoch);
      const inEpoch = step % perEpoch;
      // Each epoch's order depends only on the seed and the epoch, so a resumed run sees the same batches.
      if (inEpoch === 0 || order.length === 0) order = shuffleInPlace(Array.from(pairs.a.keys()), mulberry32(config.seed * 7919 + epoch));
      const rows = order.slice(inEpoch * config.batchSize, (inEpoch + 1) * config.batchSize);
      const n = rows.length;
      const padded = padBatch([...rows.map((p) => ids[pairs.a[p]!]!), ...rows.map((p) => ids[pairs.b[p]!]!)], maxTokens);
      const idsT = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
      const maskT = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength], 'float32');
      const targetT = tf.tensor1d(Float32Array.from(rows, (p) => pairs.target[p]!));
      let loss: number;
      try {
        loss = await tuner.lossStep(() => {
          const e = encoder.forward(idsT, maskT);
          return cosineSimilarityLoss(e.slice([0, 0], [n, e.shape[1]]), e.slice([n, 0], [n, e.shape[1]]), targetT);
        }, warmupLinearDecay(step, totalSteps, config.warmupFraction));
      } catch (err) {
        if (!(err instanceof NonFiniteLossError)) throw err;
        stopReason = 'non-finite-loss';
        message = `contrastive loss became ${err.loss} at step ${step + 1}; the run was stopped and the last good weights kept`;
        encoder.assignWeights(lastGood);
        break;
      } finally {
        tf.dispose([idsT, maskT, targetT]);
      }
      losses.push(loss);
      step++;
      hooks.onStep?.(step, totalSteps, loss);
      await yieldToEvents(); // lets a Stop message in (core/yield.ts)
      const stop = hooks.shouldStop?.() ?? false;
      if (step % config.checkpointEvery === 0 || step === totalSteps || stop) await checkpoint();
      if (stop && step < totalSteps) {
        stopReason = 'user';
        break;
      }
    }
    return {
      losses,
      steps: step,
      totalSteps,
      pairs: pairs.a.length,
      stopReason,
      message,
      encoderWeights: stopReason === 'non-finite-loss' ? lastGood : await snapshot(),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    tuner.dispose();
  }
}
