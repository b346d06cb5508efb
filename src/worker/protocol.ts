// The worker protocol: types only. The UI talks to the engine through client.ts, which
// speaks exactly these messages; engine.worker.ts answers them. Nothing else crosses.

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
  warnings: DatasetProblem[];
}

export type EncoderId = 'use-lite';

export interface EncoderInfo {
  id: EncoderId;
  revision: string;
  weightsHash: string;
  dim: number;
  maxSeqLength: number;
  numLayers: number;
  fromCache: boolean;
  bytes: number;
}

export interface CachedEncoder {
  id: string;
  revision: string;
  bytes: number;
  storedAt: number;
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
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  valMacroF1: number;
  seconds: number;
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
  labels: string[];
  config: TrainConfig;
  metrics: RunMetrics;
  bestEpoch: number;
  epochsRun: number;
  stoppedEarly: boolean;
  stoppedByUser: boolean;
  backend: string;
  imported: boolean;
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

/** Every request the engine answers: name → {args, result}. */
export interface EngineApi {
  init: { args: { backend: BackendRequest }; result: BackendInfo };
  'import.open': { args: { file: Blob; fileName: string }; result: ImportPreview };
  'import.map': { args: { importId: string; mapping: ColumnMapping }; result: ImportReport };
  'import.rejectedCsv': { args: { importId: string }; result: { csv: string } };
  'import.save': { args: { importId: string; name: string }; result: DatasetMeta };
  'import.discard': { args: { importId: string }; result: null };
  'datasets.list': { args: null; result: DatasetMeta[] };
  'datasets.rename': { args: { id: string; name: string }; result: DatasetMeta };
  'datasets.delete': { args: { id: string }; result: null };
  'datasets.rejectedCsv': { args: { id: string }; result: { csv: string } };
  'encoder.load': { args: { id: EncoderId }; result: EncoderInfo };
  'encoder.cached': { args: null; result: CachedEncoder[] };
  'train.start': { args: { datasetId: string; encoderId: EncoderId; config: TrainConfig }; result: RunDetail };
  'train.stop': { args: null; result: null };
  'runs.list': { args: null; result: RunSummary[] };
  'runs.get': { args: { id: string }; result: RunDetail };
  'runs.delete': { args: { id: string }; result: null };
  predict: { args: { runId: string; texts: string[] }; result: Prediction };
  'predict.batch': { args: { runId: string; file: Blob; fileName: string }; result: ExportedFile & { rows: number } };
  export: { args: { runId: string; format: ExportFormat }; result: ExportedFile };
  'import.bundle': { args: { file: Blob; fileName: string }; result: RunSummary };
  'storage.estimate': { args: null; result: StorageEstimate };
}

export type Method = keyof EngineApi;
export type Args<M extends Method> = EngineApi[M]['args'];
export type Result<M extends Method> = EngineApi[M]['result'];

export type ProgressTask = 'parse' | 'download' | 'load-encoder' | 'embed' | 'train' | 'predict' | 'save';

export type EngineEvent =
  | { type: 'progress'; task: ProgressTask; done: number; total: number; etaSeconds: number | null; detail: string | null }
  | { type: 'epoch'; log: EpochLog; totalEpochs: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'backend'; info: BackendInfo }
  | { type: 'encoder'; info: EncoderInfo };

export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'DATASET_INVALID'
  | 'QUOTA_EXCEEDED'
  | 'ENCODER_UNAVAILABLE'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_MISMATCH'
  | 'BACKEND_FAILED'
  | 'BUSY'
  | 'CANCELLED'
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
