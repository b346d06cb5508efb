// The worker protocol: types only. The UI talks to the engine through client.ts, which
// speaks exactly these messages; engine.worker.ts answers them. Nothing else crosses.
import type { EpochLog as HeadEpochLog } from '../core/train/head';
import type { Comparison } from '../core/train/text-model';
import type { LongTextOptions } from '../core/encoders/types';
import type { Explanation, WordContribution } from './explain';

export type { Comparison, Explanation, LongTextOptions, WordContribution };

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export type BackendRequest = BackendName | 'auto';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface BackendInfo {
  backend: BackendName;
  requested: BackendRequest;
  /** WebGPU adapter details when the backend is webgpu (null otherwise). */
  adapter: AdapterInfo | null;
  /** True when the requested (or preferred) backend could not start and another one runs. */
  fellBack: boolean;
  /** Why it fell back, in words; null when it did not. */
  fallbackReason: string | null;
  /** WASM threads in use (1: the single-threaded binary); null for other backends. */
  threads: number | null;
  /** Why WASM runs on fewer threads than asked (not isolated, threads failed); null otherwise. */
  threadsNote: string | null;
  /** Whether the page is cross-origin isolated (COOP/COEP): the condition for WASM threads. */
  crossOriginIsolated: boolean;
}

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

export interface ColumnMapping {
  /** Column indices into ImportPreview.columns (-1: none). */
  textColumn: number;
  labelColumn: number;
}

export interface ImportPreview {
  importId: string;
  fileName: string;
  delimiter: string;
  hasHeader: boolean;
  columns: string[];
  /** Data rows parsed (header excluded). */
  rowCount: number;
  /** The first rows as parsed, for the mapping preview. */
  sampleRows: string[][];
  /** Auto-detected mapping; an index is -1 when no column qualifies. */
  detected: ColumnMapping;
  reasons: string[];
}

export interface ImportReport {
  importId: string;
  mapping: ColumnMapping;
  validCount: number;
  labels: string[];
  labelCounts: number[];
  rejectedCount: number;
  /** Rows with a text and no label, kept to be labelled in the app. */
  unlabelledCount: number;
  /** At most REJECTED_PREVIEW_LIMIT rows; the whole list comes with import.rejectedCsv. */
  rejected: RejectedRow[];
  problems: DatasetProblem[];
  preview: { text: string; label: string; line: number }[];
  /** True when no fatal problem stops the save. */
  canSave: boolean;
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
}

/**
 * 'use-lite' (served by this app), `hf:owner/name@revision` (a Hub BERT-family model, see
 * core/encoders/registry.ts hubEncoderId) or `hf-import:<hash>` (the encoder of an imported
 * Hugging Face classifier; only in this browser's cache).
 */
export type EncoderId = 'use-lite' | `hf:${string}` | `hf-import:${string}`;

export interface EncoderInfo {
  id: EncoderId;
  revision: string;
  weightsHash: string;
  dim: number;
  maxSeqLength: number;
  numLayers: number;
  fromCache: boolean;
  bytes: number;
  /** Hub encoders: the repo's license as the preset says (null: unknown, check the model card). */
  license?: string | null;
  /** The encoder's tokenizer, in words (TextEncoder.tokenizerName; exports' metadata name it). */
  tokenizer: string;
}

export interface CachedEncoder {
  id: string;
  revision: string;
  bytes: number;
  storedAt: number;
  /** An imported model's encoder that no run uses any more (left by an older failed import): removable. */
  unused?: boolean;
}

/** Hyper-parameters of a head-only run; every field has a default in the training form. */
export interface TrainConfig {
  valFraction: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number;
  dropout: number;
  classWeights: boolean;
  /** Stop when validation macro-F1 has not improved for this many epochs (0 = never). */
  patience: number;
  /** Encoder windows read per long text (1 = only the first window, the rest is cut). */
  maxWindows: number;
  /** Fraction of a window shared with the previous one, 0 … 0.75 (0: back to back; runs stored before it existed lack it). */
  windowOverlap: number;
  /** Keep the encoder model even when another candidate scores better (absent: keep the best). */
  keepEncoder?: boolean;
}

/** A head-training epoch (core's log), plus what fine-tuning epochs also report. */
export interface EpochLog extends Omit<HeadEpochLog, 'partial'> {
  /** Live tensors after the epoch (fine-tuning: must stay flat across epochs). */
  numTensors?: number;
  /** Encoder learning rate at the end of the epoch (fine-tuning's warm-up/decay schedule). */
  encoderLearningRate?: number;
}

/** Hyper-parameters of a fine-tuning run (top K encoder layers + a linear head). */
export interface FineTuneSettings {
  valFraction: number;
  seed: number;
  /** Encoder layers unfrozen from the top: 0 = head only (on token ids), numLayers = all. */
  unfreezeLayers: number;
  encoderLearningRate: number;
  headLearningRate: number;
  epochs: number;
  batchSize: number;
  /** Share of the steps spent warming the encoder learning rate up (then it decays linearly). */
  warmupFraction: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** Epochs without a better val macro-F1 before stopping (0 = never). */
  patience: number;
  classWeights: boolean;
  /**
   * 'softmax' (absent on older records): the layers and a linear head trained on the labels.
   * 'contrastive': few-shot, SetFit-style (core/train/contrastive.ts) — the layers learn from
   * pairs of rows, then a logistic regression is fitted on the tuned embeddings.
   */
  method?: FineTuneMethod;
  /** Contrastive only: pairs each labelled row anchors (SetFit's R) and the cap on pairs. */
  pairIterations?: number;
  maxPairs?: number;
}

export type FineTuneMethod = 'softmax' | 'contrastive';

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

/** Where a fine-tuning run's linear head started. */
export type HeadInit =
  | { kind: 'head-run'; runId: string; runName: string }
  | { kind: 'fresh'; reason: string };

export type FineTuneStopReason = 'completed' | 'early-stopping' | 'user' | 'non-finite-loss';

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

/** A time estimate measured on the running backend before fine-tuning starts. */
export interface FineTuneEstimate {
  backend: string;
  /** One optimisation step (forward + backward + update) on a batch of median-length texts. */
  stepSeconds: number;
  /** One validation batch (forward only). */
  evalBatchSeconds: number;
  batchSize: number;
  /** Padded tokens per row of the measured batch. */
  seqLength: number;
  stepsPerEpoch: number;
  epochs: number;
  totalSeconds: number;
}

/** An unfinished fine-tuning run (its last checkpoint is in IndexedDB). */
export interface FineTuneJob {
  id: string;
  createdAt: number;
  updatedAt: number;
  datasetId: string;
  datasetName: string;
  encoderId: string;
  settings: FineTuneSettings;
  headInit: HeadInit;
  /** Last checkpointed epoch (0: none yet). */
  epochsDone: number;
  /** Contrastive runs: optimisation steps checkpointed, of how many. */
  steps?: { done: number; total: number };
  history: EpochLog[];
  peakBytes: number;
  /** True while this worker is running it (false after a reload or a crashed tab: resumable). */
  running: boolean;
  /** Another tab or window holds it (its Web Lock): not resumable here until that one stops. */
  runningElsewhere?: boolean;
  /** Why it stopped last time, if it failed. */
  error: string | null;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RunMetrics {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted]. */
  confusion: number[][];
}

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

export interface RunDetail extends RunSummary {
  history: EpochLog[];
  misclassified: Misclassified[];
}

export interface Prediction {
  labels: string[];
  /** Row-major [texts, labels]. */
  probabilities: Float32Array;
  ms: number;
}

/** How a batch file is read: whether its first row is a header, and which column holds the text. */
export interface BatchChoice {
  hasHeader: boolean;
  /** Index into BatchPreview.columns. */
  textColumn: number;
}

export interface BatchPreview {
  fileName: string;
  /** Data rows (the header excluded when there is one). */
  rows: number;
  /** Column names (header-less files: "column 1", …). */
  columns: string[];
  /** The reading used: detected, or the one asked for. */
  choice: BatchChoice;
  /** Why the header decision went the way it did (the same rule as dataset import). */
  headerReason: string;
  /** The first texts of the chosen column. */
  sampleTexts: string[];
}

export type ExportFormat = 'tfjs-zip' | 'bundle' | 'safetensors';

export interface ExportedFile {
  fileName: string;
  mime: string;
  bytes: Uint8Array;
}

export interface StorageEstimate {
  usage: number | null;
  quota: number | null;
}

/** One timed embedding pass (perf.embed). */
export interface EmbedTiming {
  backend: string;
  /** WASM threads; null on other backends. */
  threads: number | null;
  texts: number;
  /** Tokens the encoder consumed (special tokens included, after the length cut). */
  tokens: number;
  ms: number;
  textsPerSecond: number;
}

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

/** perf.auto's answer: the choice (null when a backend was forced) and the backend now running. */
export interface AutoBackendResult {
  choice: BackendChoice | null;
  /** True when this call measured (false: the choice was remembered, or none is made). */
  measured: boolean;
  info: BackendInfo;
}

/** Every request the engine answers: name → {args, result}. */
export interface EngineApi {
  /** hubBaseUrl: where Hub models come from (default https://huggingface.co; tests: a same-origin stand-in). */
  init: { args: { backend: BackendRequest; hubBaseUrl?: string | null; /** `?threads=` as typed (1–8). */ threads?: string | null }; result: BackendInfo };
  'import.open': { args: { file: Blob; fileName: string }; result: ImportPreview };
  'import.map': { args: { importId: string; mapping: ColumnMapping }; result: ImportReport };
  'import.rejectedCsv': { args: { importId: string }; result: { csv: string } };
  'import.save': { args: { importId: string; name: string }; result: DatasetMeta };
  'import.discard': { args: { importId: string }; result: null };
  'datasets.list': { args: null; result: DatasetMeta[] };
  'datasets.rename': { args: { id: string; name: string }; result: DatasetMeta };
  'datasets.delete': { args: { id: string }; result: null };
  'datasets.rejectedCsv': { args: { id: string }; result: { csv: string } };
  /** The rows still without a label (file line and text). */
  'datasets.unlabelled': { args: { id: string }; result: { text: string; line: number }[] };
  /** Gives an unlabelled row (by its file line) a label: it joins the labelled rows, persisted. */
  'datasets.label': { args: { id: string; line: number; label: string }; result: DatasetMeta };
  'encoder.load': { args: { id: EncoderId }; result: EncoderInfo };
  'encoder.cached': { args: null; result: CachedEncoder[] };
  /** Stores an encoder's files in IndexedDB if they are not there (no tfjs work); for offline use. */
  'encoder.prefetch': { args: { id: EncoderId }; result: { downloaded: boolean } };
  'encoder.forget': { args: { id: EncoderId }; result: null };
  /** Stops a download in progress (nothing of it is stored); false when none was running. */
  'encoder.cancel': { args: { id: EncoderId }; result: boolean };
  /** Hugging Face BertForSequenceClassification zip of a BERT-family run (encoder + linear head + train.csv + train.py). */
  'export.hf': { args: { runId: string }; result: ExportedFile };
  /** A BertForSequenceClassification folder (files with relative paths) or its zip (one file). */
  'import.hf': { args: { name: string; files: { path: string; file: Blob }[] }; result: RunSummary };
  'train.start': { args: { datasetId: string; encoderId: EncoderId; config: TrainConfig }; result: RunDetail };
  'train.stop': { args: null; result: null };
  'runs.list': { args: null; result: RunSummary[] };
  'runs.get': { args: { id: string }; result: RunDetail };
  'runs.delete': { args: { id: string }; result: null };
  'finetune.estimate': { args: { datasetId: string; encoderId: EncoderId; settings: FineTuneSettings }; result: FineTuneEstimate };
  'finetune.start': {
    args: { datasetId: string; encoderId: EncoderId; settings: FineTuneSettings; headRunId: string | null };
    result: RunDetail;
  };
  'finetune.resume': { args: { jobId: string }; result: RunDetail };
  'finetune.stop': { args: null; result: null };
  'finetune.jobs': { args: null; result: FineTuneJob[] };
  'finetune.discard': { args: { jobId: string }; result: null };
  predict: { args: { runId: string; texts: string[] }; result: Prediction };
  /** Per-word contributions to each label's probability, by occlusion on the kept model (worker/explain.ts). */
  explain: { args: { runId: string; text: string }; result: Explanation };
  /** What a batch prediction of this file would read (no prediction): rows, header, the text column. */
  'predict.batchPreview': { args: { file: Blob; fileName: string; choice?: BatchChoice }; result: BatchPreview };
  /** choice: the header and text column confirmed in the preview (default: as detected). textColumn in the result: its name. */
  'predict.batch': { args: { runId: string; file: Blob; fileName: string; choice?: BatchChoice }; result: ExportedFile & { rows: number; textColumn: string } };
  export: { args: { runId: string; format: ExportFormat }; result: ExportedFile };
  /** allowDownload: the user agreed to download the bundle's Hub encoder (else CONFIRM_DOWNLOAD). */
  'import.bundle': { args: { file: Blob; fileName: string; allowDownload?: boolean }; result: RunSummary };
  'storage.estimate': { args: null; result: StorageEstimate };
  /**
   * Auto backend: the remembered choice for (encoder, embed) on this device, or (first use, or
   * remeasure) a measurement of each available backend; switches to the faster one. A backend
   * forced with ?backend= is kept and nothing is measured.
   */
  'perf.auto': { args: { encoderId: EncoderId; remeasure?: boolean }; result: AutoBackendResult };
  /** Every remembered backend choice on this device. */
  'perf.choices': { args: null; result: BackendChoice[] };
  /** Times embedding `texts` on the running backend (one warm-up batch first, not counted). */
  'perf.embed': { args: { encoderId: EncoderId; texts: string[]; batchSize?: number }; result: EmbedTiming };
}

export type Method = keyof EngineApi;
export type Args<M extends Method> = EngineApi[M]['args'];
export type Result<M extends Method> = EngineApi[M]['result'];

export type ProgressTask = 'parse' | 'download' | 'load-encoder' | 'embed' | 'train' | 'finetune' | 'estimate' | 'predict' | 'save';

export type EngineEvent =
  | { type: 'progress'; task: ProgressTask; done: number; total: number; etaSeconds: number | null; detail: string | null }
  | { type: 'epoch'; log: EpochLog; totalEpochs: number }
  | { type: 'checkpoint'; jobId: string; epoch: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'backend'; info: BackendInfo }
  | { type: 'encoder'; info: EncoderInfo }
  /** The auto backend started measuring backends for an encoder (choice null), finished, or failed. */
  | { type: 'perf'; encoderId: string; choice: BackendChoice | null; failed?: boolean };

export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'DATASET_INVALID'
  | 'QUOTA_EXCEEDED'
  | 'ENCODER_UNAVAILABLE'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_MISMATCH'
  | 'HUB_UNAUTHORIZED'
  | 'HUB_NOT_FOUND'
  | 'HUB_NETWORK'
  | 'HUB_UNSUPPORTED'
  | 'HUB_INTEGRITY'
  | 'BACKEND_FAILED'
  | 'BUSY'
  | 'CANCELLED'
  /** The request would download a model; the message asks, the caller retries with consent. */
  | 'CONFIRM_DOWNLOAD'
  | 'NON_FINITE_LOSS'
  | 'INTERNAL';

/** How an error crosses the boundary: never a bare string. */
export interface EngineErrorData {
  name: string;
  code: ErrorCode;
  message: string;
}

export type ToWorker = { kind: 'request'; id: number; method: Method; args: unknown };

export type FromWorker =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: EngineErrorData }
  | { kind: 'event'; event: EngineEvent };
