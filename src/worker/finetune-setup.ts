// What a fine-tuning run starts from: checked settings, the dataset split as token-id data, and
// the head (a head-only run's linear head, or a fresh one and why).
import { stratifiedSplit, type Split } from '../core/data/split';
import type { FineTuneData, FineTuneRunConfig } from '../core/train/finetune-run';
import { DEFAULT_CONTRASTIVE_CONFIG, type ContrastiveConfig } from '../core/train/contrastive-config';
import { getDataset, getDatasetRows } from '../storage/datasets';
import { getModel, getRun } from '../storage/runs';
import type { DatasetRowsRecord } from '../storage/db';
import { headInitFor, labelChange } from '../core/model/head-init';
import { checkAgainstSpec, FINETUNE_SPEC, SettingsError, unfreezeOverrides } from '../core/model/specs';
import type { DatasetMeta, FineTuneSettings, HeadInit } from './protocol';
import { EngineError } from './errors';
import { fewShotLabelLimit } from './fewshot';
import { headTensors } from './exporter';

/**
 * Refuses settings the fine-tune form would refuse (core/model/specs.ts); with the encoder's layer
 * count (null before it is loaded) also an unfreezeLayers above it. Contrastive tuning trains
 * encoder layers only, so it needs at least one.
 */
export function checkSettings(s: FineTuneSettings, numLayers: number | null): void {
  checkAgainstSpec(FINETUNE_SPEC, s, unfreezeOverrides(numLayers));
  if (s.method === 'contrastive' && s.unfreezeLayers < 1) {
    throw new SettingsError('out-of-range', 'unfreezeLayers', s.unfreezeLayers, `unfreezeLayers must be at least 1 for contrastive tuning (it trains encoder layers only), got ${s.unfreezeLayers}`);
  }
}

/** Contrastive settings may ask for more layers than the encoder has (the default asks for all): clamped here. */
export function clampLayers(s: FineTuneSettings, numLayers: number): FineTuneSettings {
  return s.method === 'contrastive' && Number.isInteger(s.unfreezeLayers) && s.unfreezeLayers > numLayers ? { ...s, unfreezeLayers: numLayers } : s;
}

/** The contrastive step's configuration from a run's settings (core defaults where a field is absent). */
export function contrastiveConfig(s: FineTuneSettings): ContrastiveConfig {
  return {
    ...DEFAULT_CONTRASTIVE_CONFIG,
    unfreezeLayers: s.unfreezeLayers,
    encoderLearningRate: s.encoderLearningRate,
    clipNorm: s.clipNorm,
    seed: s.seed,
    iterations: s.pairIterations ?? DEFAULT_CONTRASTIVE_CONFIG.iterations,
    maxPairs: s.maxPairs ?? DEFAULT_CONTRASTIVE_CONFIG.maxPairs,
    batchSize: s.batchSize,
    epochs: s.epochs,
    warmupFraction: s.warmupFraction,
  };
}

export function runConfig(s: FineTuneSettings): FineTuneRunConfig {
  return {
    unfreezeLayers: s.unfreezeLayers,
    encoderLearningRate: s.encoderLearningRate,
    headLearningRate: s.headLearningRate,
    clipNorm: s.clipNorm,
    seed: s.seed,
    epochs: s.epochs,
    batchSize: s.batchSize,
    warmupFraction: s.warmupFraction,
    patience: s.patience,
    classWeights: s.classWeights,
  };
}

export interface PreparedData {
  meta: DatasetMeta;
  rows: DatasetRowsRecord;
  split: Split;
  data: FineTuneData;
}

/** The same seeded stratified split a head-only run with the same seed and fraction uses. */
export async function prepareData(datasetId: string, s: FineTuneSettings, labels?: string[]): Promise<PreparedData> {
  const [meta, rows] = await Promise.all([getDataset(datasetId), getDatasetRows(datasetId)]);
  if (labels && labels.join('\u0000') !== meta.labels.join('\u0000')) {
    throw new EngineError('DATASET_INVALID', `dataset "${meta.name}" has changed labels since the run started (${labelChange(meta.labels, labels)})`);
  }
  const tooMany = s.method === 'contrastive' ? fewShotLabelLimit(meta.labels.length) : null;
  if (tooMany) throw new EngineError('DATASET_INVALID', tooMany);
  const labelIndex = new Map(meta.labels.map((l, i) => [l, i]));
  const y = Int32Array.from(rows.labels, (l) => labelIndex.get(l) ?? -1);
  if (y.some((v) => v < 0)) throw new EngineError('DATASET_INVALID', `dataset "${meta.name}" has a row whose label is not in its label list`);
  const split = stratifiedSplit(y, s.valFraction, s.seed);
  return {
    meta,
    rows,
    split,
    data: {
      trainTexts: split.train.map((i) => rows.texts[i]!),
      trainY: Int32Array.from(split.train, (i) => y[i]!),
      valTexts: split.val.map((i) => rows.texts[i]!),
      valY: Int32Array.from(split.val, (i) => y[i]!),
      numClasses: meta.labels.length,
    },
  };
}

export interface StartingHead {
  init: HeadInit;
  head: { kernel: Float32Array; bias: Float32Array } | null;
}

/**
 * The head-init decision (core/model/head-init.ts, the one the fine-tune panel shows), then the
 * stored weights: they must be one dim×labels layer, or the head starts fresh after all.
 */
export async function startingHead(
  headRunId: string | null,
  want: { encoderId: string; encoderHash: string; labels: string[]; dim: number },
): Promise<StartingHead> {
  const run = headRunId ? await getRun(headRunId) : null;
  const init = headInitFor(run, want);
  if (!run || init.kind === 'fresh') return { init, head: null };
  const fresh = (reason: string): StartingHead => ({ init: { kind: 'fresh', reason: `run “${run.name}” ${reason}` }, head: null });
  const tensors = headTensors(await getModel(run.id));
  const k = want.labels.length;
  const kernel = tensors.find((t) => t.shape.length === 2 && t.shape[0] === want.dim && t.shape[1] === k);
  const bias = tensors.find((t) => t.shape.length === 1 && t.shape[0] === k);
  if (tensors.length !== 2 || !kernel || !bias || !(kernel.data instanceof Float32Array) || !(bias.data instanceof Float32Array)) {
    return fresh(`has head weights [${tensors.map((t) => `${t.name} [${t.shape}]`).join(', ')}], not one ${want.dim}×${k} layer`);
  }
  return { init, head: { kernel: kernel.data.slice(), bias: bias.data.slice() } };
}
