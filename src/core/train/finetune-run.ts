// A whole fine-tuning run: epochs of token-id batches through the top K encoder layers and a
// linear head, a warm-up/decay schedule for the encoder, validation macro-F1 after every epoch,
// early stopping, the best epoch restored, a checkpoint per epoch, and resume from one.

import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, shuffleInPlace } from '../data/random';
import type { TextEncoder } from '../encoders/types';
import { padBatch } from '../tokenizers/batch';
import { DEFAULT_FINETUNE_SETTINGS } from '../model/specs';
import { balancedClassWeights } from './class-weights';
import { DEFAULT_FINETUNE_CONFIG, FineTuner, NonFiniteLossError, type FineTuneConfig, type FineTunerState } from './finetune';
import { evaluate, type Metrics } from './metrics';
import { warmupLinearDecay } from './schedule';
import { TrainError } from './errors';
import { argmaxRow, BestEpoch, rowLoss } from './scores';
import { yieldToEvents } from '../yield';

export interface FineTuneRunConfig extends FineTuneConfig {
  epochs: number;
  batchSize: number;
  warmupFraction: number;
  /** Epochs without a better val macro-F1 before stopping; 0 = never. */
  patience: number;
  classWeights: boolean;
}

/** The fine-tune form's defaults (one spec table, core/model/specs.ts). */
export const DEFAULT_FINETUNE_RUN_CONFIG: Readonly<FineTuneRunConfig> = Object.freeze({
  ...DEFAULT_FINETUNE_CONFIG,
  epochs: DEFAULT_FINETUNE_SETTINGS.epochs,
  batchSize: DEFAULT_FINETUNE_SETTINGS.batchSize,
  warmupFraction: DEFAULT_FINETUNE_SETTINGS.warmupFraction,
  patience: DEFAULT_FINETUNE_SETTINGS.patience,
  classWeights: DEFAULT_FINETUNE_SETTINGS.classWeights,
});

export interface FineTuneData {
  trainTexts: string[];
  trainY: Int32Array;
  valTexts: string[];
  valY: Int32Array;
  numClasses: number;
}

export interface FineTuneEpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  valMacroF1: number;
  seconds: number;
  encoderLearningRate: number;
  numTensors: number;
}

/** Everything needed to continue a run, as plain arrays (storable in IndexedDB). */
export interface FineTuneCheckpoint {
  /** Last completed epoch (1-based). */
  epoch: number;
  config: FineTuneRunConfig;
  /** Values of the unfrozen encoder weights, by their file names. */
  encoder: { name: string; shape: number[]; data: Float32Array }[];
  head: { kernel: Float32Array; bias: Float32Array; dim: number; numClasses: number };
  history: FineTuneEpochLog[];
  bestEpoch: number;
  bestMacroF1: number;
  bestValLoss: number;
  /** The best epoch's weights when they are not the ones above (a later epoch was worse). */
  bestWeights: { encoder: FineTuneCheckpoint['encoder']; head: FineTuneCheckpoint['head'] } | null;
  /** Adam's step counts and moments, so a resumed run continues the same run (absent in older checkpoints). */
  optimizer?: FineTunerState;
}

export interface FineTuneHooks {
  onStep?(step: number, totalSteps: number, loss: number): void;
  onEpoch?(log: FineTuneEpochLog): void;
  onCheckpoint?(checkpoint: FineTuneCheckpoint): Promise<void>;
  shouldStop?(): boolean;
}

export type StopReason = 'completed' | 'early-stopping' | 'user' | 'non-finite-loss';

export interface FineTuneResult {
  history: FineTuneEpochLog[];
  bestEpoch: number;
  stopReason: StopReason;
  message: string | null;
  /** Validation metrics of the restored (best) weights. */
  metrics: Metrics;
  /** The trained linear head (the encoder's unfrozen weights are updated in place). */
  head: { kernel: Float32Array; bias: Float32Array };
  /** The unfrozen encoder weights the encoder now holds (the best epoch's), by file name. */
  encoderWeights: FineTuneCheckpoint['encoder'];
}

/** Encoders that can hand out and take back their weights by name (USE-lite, BERT). */
export interface NamedWeightsEncoder extends TextEncoder {
  namedWeights(): { name: string; tensor: tf.Tensor }[];
  assignWeights(weights: { name: string; shape: number[]; data: Float32Array }[]): void;
}

export async function fineTune(
  encoder: NamedWeightsEncoder,
  data: FineTuneData,
  config: FineTuneRunConfig = DEFAULT_FINETUNE_RUN_CONFIG,
  hooks: FineTuneHooks = {},
  resumeFrom?: FineTuneCheckpoint,
  /** Start from a head trained on frozen embeddings (transfer learning step 2), not a random one. */
  initialHead?: { kernel: Float32Array; bias: Float32Array },
): Promise<FineTuneResult> {
  checkData(data);
  const trainIds = data.trainTexts.map((t) => encoder.encodeIds(t));
  const valIds = data.valTexts.map((t) => encoder.encodeIds(t));
  const weights = config.classWeights ? balancedClassWeights(data.trainY, data.numClasses) : null;
  const unfrozen = new Set(encoder.trainableVariables(config.unfreezeLayers).map((v) => v.name));
  const unfrozenWeights = encoder.namedWeights().filter((w) => unfrozen.has(w.tensor instanceof tf.Variable ? w.tensor.name : ''));
  const unfrozenNames = unfrozenWeights.map((w) => w.name);
  // tfjs variable name → the weight's file name, which a checkpoint can be keyed by.
  const fileNameOf = new Map(unfrozenWeights.map((w) => [(w.tensor as tf.Variable).name, w.name]));
  const nameOf = (variableName: string): string => fileNameOf.get(variableName) ?? variableName;

  let headInit: { kernel: tf.Tensor2D; bias: tf.Tensor1D } | undefined;
  if (resumeFrom) {
    if (resumeFrom.head.numClasses !== data.numClasses || resumeFrom.head.dim !== encoder.dim) {
      throw new TrainError('invalid-argument', `checkpoint head is ${resumeFrom.head.dim}×${resumeFrom.head.numClasses}; this run needs ${encoder.dim}×${data.numClasses}`);
    }
    encoder.assignWeights(resumeFrom.encoder);
    headInit = {
      kernel: tf.tensor2d(resumeFrom.head.kernel, [encoder.dim, data.numClasses]),
      bias: tf.tensor1d(resumeFrom.head.bias),
    };
  }
  else if (initialHead) {
    headInit = { kernel: tf.tensor2d(initialHead.kernel, [encoder.dim, data.numClasses]), bias: tf.tensor1d(initialHead.bias) };
  }
  const tuner = new FineTuner(encoder, data.numClasses, config, headInit);
  if (headInit) tf.dispose([headInit.kernel, headInit.bias]);
  if (resumeFrom?.optimizer) {
    try {
      await tuner.restoreOptimizerState(resumeFrom.optimizer, nameOf);
    } catch (err) {
      tuner.dispose();
      throw err;
    }
  }

  const history: FineTuneEpochLog[] = resumeFrom ? resumeFrom.history.slice() : [];
  const batchesPerEpoch = Math.ceil(trainIds.length / config.batchSize);
  const totalSteps = batchesPerEpoch * config.epochs;
  const tracker = new BestEpoch(config.patience, resumeFrom && resumeFrom.bestEpoch > 0 ? { epoch: resumeFrom.bestEpoch, f1: resumeFrom.bestMacroF1, loss: resumeFrom.bestValLoss } : null);
  let stopReason: StopReason = 'completed';
  let message: string | null = null;

  type Weights = { encoder: FineTuneCheckpoint['encoder']; head: FineTuneCheckpoint['head'] };
  async function currentWeights(): Promise<Weights> {
    const byName = new Map(encoder.namedWeights().map((w) => [w.name, w.tensor]));
    const enc: FineTuneCheckpoint['encoder'] = [];
    for (const name of unfrozenNames) {
      const t = byName.get(name)!;
      enc.push({ name, shape: t.shape.slice(), data: ((await t.data()) as Float32Array).slice() });
    }
    const kernel = ((await tuner.headKernel.data()) as Float32Array).slice();
    const bias = ((await tuner.headBias.data()) as Float32Array).slice();
    return { encoder: enc, head: { kernel, bias, dim: encoder.dim, numClasses: data.numClasses } };
  }
  // The weights of the latest epoch and of the best one (the same object when they coincide).
  let latest: Weights | null = resumeFrom ? { encoder: resumeFrom.encoder, head: resumeFrom.head } : null;
  let best: Weights | null = resumeFrom ? (resumeFrom.bestWeights ?? latest) : null;

  try {
    const startEpoch = (resumeFrom?.epoch ?? 0) + 1;
    epochs: for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const started = Date.now();
      const rng = mulberry32(config.seed * 1000 + epoch);
      const batches = lengthBucketedBatches(trainIds, config.batchSize, rng);
      let lossSum = 0;
      let lossCount = 0;
      for (let b = 0; b < batches.length; b++) {
        const rows = batches[b];
        const step = (epoch - 1) * batchesPerEpoch + b;
        const padded = padBatch(rows.map((r) => trainIds[r]), encoder.maxSeqLength);
        const labels = Int32Array.from(rows, (r) => data.trainY[r]);
        const rowWeights = weights ? Float32Array.from(rows, (r) => weights[data.trainY[r]]) : undefined;
        let loss: number;
        try {
          loss = await tuner.step({ ...padded, labels, weights: rowWeights }, warmupLinearDecay(step, totalSteps, config.warmupFraction));
        } catch (err) {
          if (!(err instanceof NonFiniteLossError)) throw err;
          stopReason = 'non-finite-loss';
          message = err.message;
          break epochs;
        }
        lossSum += loss;
        lossCount++;
        hooks.onStep?.(step + 1, totalSteps, loss);
        await yieldToEvents(); // lets a Stop message in (core/yield.ts)
        if (hooks.shouldStop?.()) {
          stopReason = 'user';
          break;
        }
      }
      const val = await evaluateSplit(tuner, encoder, valIds, data.valY, data.numClasses, config.batchSize);
      const log: FineTuneEpochLog = {
        epoch,
        trainLoss: lossCount ? lossSum / lossCount : NaN,
        valLoss: val.loss,
        valAcc: val.metrics.accuracy,
        valMacroF1: val.metrics.macroF1,
        seconds: (Date.now() - started) / 1000,
        encoderLearningRate: config.encoderLearningRate * warmupLinearDecay(Math.min(epoch * batchesPerEpoch, totalSteps) - 1, totalSteps, config.warmupFraction),
        numTensors: tf.memory().numTensors,
      };
      if (!Number.isFinite(val.loss)) {
        stopReason = 'non-finite-loss';
        message = `validation loss became ${val.loss} after epoch ${epoch}; the run was stopped and the last good weights kept`;
        break;
      }
      history.push(log);
      hooks.onEpoch?.(log);
      const improved = tracker.offer(epoch, { f1: val.metrics.macroF1, loss: val.loss });
      latest = await currentWeights();
      if (improved) best = latest;
      await hooks.onCheckpoint?.({
        epoch,
        config,
        ...latest,
        history: history.slice(),
        bestEpoch: tracker.best!.epoch,
        bestMacroF1: tracker.best!.f1,
        bestValLoss: tracker.best!.loss,
        bestWeights: best === latest ? null : best,
        optimizer: await tuner.optimizerState(nameOf),
      });
      if (stopReason === 'user') break;
      if (tracker.shouldStop(epoch, config.epochs)) {
        stopReason = 'early-stopping';
        break;
      }
    }
    const restore = best ?? latest;
    if (!restore) {
      if (stopReason === 'non-finite-loss') throw new TrainError('non-finite-loss', message ?? 'the loss became non-finite before any epoch finished; no weights were changed');
      throw new TrainError('stopped', 'fine-tuning stopped before any epoch finished; no weights were changed');
    }
    encoder.assignWeights(restore.encoder);
    tf.tidy(() => {
      tuner.headKernel.assign(tf.tensor2d(restore.head.kernel, [encoder.dim, data.numClasses]));
      tuner.headBias.assign(tf.tensor1d(restore.head.bias));
    });
    const final = await evaluateSplit(tuner, encoder, valIds, data.valY, data.numClasses, config.batchSize);
    return {
      history,
      bestEpoch: restore === best ? tracker.best!.epoch : history.length,
      stopReason,
      message,
      metrics: final.metrics,
      head: { kernel: restore.head.kernel, bias: restore.head.bias },
      encoderWeights: restore.encoder,
    };
  } finally {
    tuner.dispose();
  }
}

/** Shuffled batches whose rows have similar lengths (less padding): shuffle, sort within windows of 8 batches, shuffle the batches. */
export function lengthBucketedBatches(ids: number[][], batchSize: number, rng: () => number): number[][] {
  const order = shuffleInPlace(Array.from(ids.keys()), rng);
  const window = batchSize * 8;
  const batches: number[][] = [];
  for (let w = 0; w < order.length; w += window) {
    const chunk = order.slice(w, w + window).sort((a, b) => ids[a].length - ids[b].length);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize));
  }
  return shuffleInPlace(batches, rng);
}

async function evaluateSplit(
  tuner: FineTuner,
  encoder: TextEncoder,
  ids: number[][],
  labels: Int32Array,
  numClasses: number,
  batchSize: number,
): Promise<{ loss: number; metrics: Metrics }> {
  const order = Array.from(ids.keys()).sort((a, b) => ids[a].length - ids[b].length);
  const predicted = new Int32Array(ids.length);
  let loss = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const rows = order.slice(s, s + batchSize);
    const p = padBatch(rows.map((r) => ids[r]), encoder.maxSeqLength);
    const probs = await tuner.predict(p.ids, p.mask, p.batch, p.seqLength);
    rows.forEach((r, j) => {
      predicted[r] = argmaxRow(probs, j, numClasses);
      loss += rowLoss(probs[j * numClasses + labels[r]!]!);
    });
  }
  return { loss: ids.length ? loss / ids.length : NaN, metrics: evaluate(labels, predicted, numClasses) };
}

function checkData(data: FineTuneData): void {
  if (data.trainTexts.length !== data.trainY.length) {
    throw new TrainError('invalid-argument', `trainTexts has ${data.trainTexts.length} rows but trainY has ${data.trainY.length}`);
  }
  if (data.valTexts.length !== data.valY.length) throw new TrainError('invalid-argument', `valTexts has ${data.valTexts.length} rows but valY has ${data.valY.length}`);
  if (data.trainTexts.length === 0) throw new TrainError('invalid-argument', 'fine-tuning needs at least one training row; received 0');
  if (data.valTexts.length === 0) throw new TrainError('invalid-argument', 'fine-tuning needs at least one validation row; received 0');
}
