// The records TextTune stores and shows: datasets, runs, unfinished fine-tuning jobs, backend
// choices. Storage, the worker and the UI all depend on these; none of them owns them.
import type { LongTextOptions } from '../encoders/types';
import type { EpochLog as HeadEpochLog } from '../train/head';
import type { ClassMetrics, Metrics } from '../train/metrics';
import type { Comparison } from '../train/text-model';
import type { FineTuneSettings, TrainConfig } from './config';

export type { ClassMetrics, Comparison, LongTextOptions };

/** How a problem found in a dataset weighs: fatal problems block saving. */
export interface DatasetProblem {
  code: string;
  severity: 'fatal' | 'warning';
  message: string;
}

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

export interface DatasetMeta {
  id: string;
  name: string;
  fileName: string;
  createdAt: number;
  columns: string[];
  textColumn: string;
  labelColumn: string;
  rowCount: number;
  labels: string[];
  labelCounts: number[];
  rejectedCount: number;
  /** Rows still without a label (absent on older records: none). */
  unlabelledCount?: number;
  warnings: DatasetProblem[];
  /** rowsFingerprint of the rows as saved (absent on older records), to notice the same rows imported again. */
  fingerprint?: string;
}

/**
 * 'use-lite' (served by this app), `hf:owner/name@revision` (a Hub BERT-family model, see
 * core/encoders/registry.ts hubEncoderId) or `hf-import:<hash>` (the encoder of an imported
 * Hugging Face classifier; only in this browser's cache).
 */
export type EncoderId = 'use-lite' | `hf:${string}` | `hf-import:${string}`;

export interface CachedEncoder {
  id: string;
  revision: string;
  bytes: number;
  storedAt: number;
  /** An imported model's encoder that no run uses any more (left by an older failed import): removable. */
  unused?: boolean;
}

/** A head-training epoch (core's log), plus what fine-tuning epochs also report. */
export interface EpochLog extends Omit<HeadEpochLog, 'partial'> {
  /** Live tensors after the epoch (fine-tuning: must stay flat across epochs). */
  numTensors?: number;
  /** Encoder learning rate at the end of the epoch (fine-tuning's warm-up/decay schedule). */
  encoderLearningRate?: number;
}

/** Where a fine-tuning run's linear head started. */
export type HeadInit =
  | { kind: 'head-run'; runId: string; runName: string }
  | { kind: 'fresh'; reason: string };

export type FineTuneStopReason = 'completed' | 'early-stopping' | 'user' | 'non-finite-loss';

/** A contrastive run against the frozen encoder's head, on the same validation rows. */
export interface FewShotComparison {
  /** The Train run (frozen encoder) it was compared with, and its kept model's validation scores. */
  frozenRunId: string | null;
  frozen: { macroF1: number; accuracy: number; valLoss: number } | null;
  contrastive: { macroF1: number; accuracy: number; valLoss: number };
  /** Which one the app keeps (higher validation macro-F1, ties → lower log-loss). */
  kept: 'contrastive' | 'frozen';
  pairs: number;
  steps: number;
  seconds: number;
  summary: string;
}

/** What a fine-tuned run adds to its summary. */
export interface FineTuneInfo {
  settings: FineTuneSettings;
  /** Hash of the pristine encoder weights the run started from (encoderHash is the tuned one). */
  baseEncoderHash: string;
  headInit: HeadInit;
  stopReason: FineTuneStopReason;
  /** Why it stopped, in words, when that is worth saying (non-finite loss). */
  message: string | null;
  /** Largest tf.memory().numBytes seen during the run. */
  peakBytes: number;
  /** File names of the encoder weights the run changed (stored as safetensors beside the head). */
  encoderWeightNames: string[];
  /** Times the run was resumed from a checkpoint. */
  resumed: number;
  /** Contrastive runs: the comparison with the frozen head. */
  fewShot?: FewShotComparison;
}

/** What the stored job (storage/db.ts FineTuneJobRecord) and the shown one (FineTuneJob) share. */
export interface FineTuneJobBase {
  id: string;
  createdAt: number;
  updatedAt: number;
  datasetId: string;
  datasetName: string;
  encoderId: string;
  settings: FineTuneSettings;
  headInit: HeadInit;
  peakBytes: number;
  /** Why it stopped last time, if it failed (the checkpoint before it is kept). */
  error: string | null;
}

/** An unfinished fine-tuning run as the UI sees it (its last checkpoint is in IndexedDB). */
export interface FineTuneJob extends FineTuneJobBase {
  /** Last checkpointed epoch (0: none yet). */
  epochsDone: number;
  /** Contrastive runs: optimisation steps checkpointed, of how many. */
  steps?: { done: number; total: number };
  history: EpochLog[];
  /** True while this worker is running it (false after a reload or a crashed tab: resumable). */
  running: boolean;
  /** Another tab or window holds it (its Web Lock): not resumable here until that one stops. */
  runningElsewhere?: boolean;
}

/** A run's validation metrics: core's, as evaluate() computes them. */
export type RunMetrics = Metrics;

export interface Misclassified {
  text: string;
  line: number;
  trueLabel: string;
  predictedLabel: string;
  confidence: number;
}

export interface RunSummary {
  id: string;
  name: string;
  createdAt: number;
  datasetId: string | null;
  datasetName: string;
  encoderId: string;
  encoderHash: string;
  /** Width of the encoder's embeddings (the head's input). */
  embeddingDim: number;
  /** Tokens per text the encoder keeps. */
  maxSeqLength: number;
  /** The encoder's tokenizer in words (TextEncoder.tokenizerName); absent on older records. */
  tokenizer?: string;
  labels: string[];
  config: TrainConfig;
  metrics: RunMetrics;
  bestEpoch: number;
  epochsRun: number;
  stoppedEarly: boolean;
  stoppedByUser: boolean;
  backend: string;
  imported: boolean;
  /** Present when the encoder was fine-tuned (absent on head-only runs and older records). */
  fineTune?: FineTuneInfo;
  /**
   * Baseline, encoder, hybrid and blend on the same validation rows, and which one was kept
   * (`metrics` are the kept model's). Absent on older records and imports without it: the head alone.
   */
  comparison?: Comparison;
  /** How the run's texts were embedded (absent: first window only). */
  longText?: LongTextOptions;
}

/** A run as stored (and as shown in detail): its summary, the epochs and the misclassified rows. */
export interface RunRecord extends RunSummary {
  history: EpochLog[];
  misclassified: Misclassified[];
}

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

/** What a backend choice is measured for: frozen embedding, or fine-tuning steps. */
export type PerfTask = 'embed' | 'finetune';

/** One backend's measured speed on a task. */
export interface BackendMeasurement {
  backend: BackendName;
  threads: number | null;
  /** Adapter of a WebGPU backend ("google · swiftshader" is software). */
  adapter: string | null;
  /** Texts embedded (embed) or trained on (finetune: batch size / step time) per second. */
  textsPerSecond: number | null;
  /** Why it could not be measured (did not start, failed); null when it was. */
  error: string | null;
}

/** The backend measured fastest on this device for (encoder, task), kept in IndexedDB. */
export interface BackendChoice {
  /** `${encoderId}|${task}`. */
  key: string;
  encoderId: string;
  task: PerfTask;
  measurements: BackendMeasurement[];
  chosen: BackendName;
  measuredAt: number;
}

/** The longest name of a dataset or a run, in characters (a longer one is refused on rename, cut on save). */
export const MAX_NAME_CHARS = 200;
