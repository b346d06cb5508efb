// The worker protocol: types only. The UI talks to the engine through client.ts, which
// speaks exactly these messages; engine.worker.ts answers them. Nothing else crosses.
// The records it carries (datasets, runs, jobs, settings) live in core/model, the domain's home.
import type { FineTuneMethod, FineTuneSettings, TrainConfig } from '../core/model/config';
import type { EngineErrorData, ErrorCode } from '../core/model/errors';
import type { JsonFormat } from '../core/data/json-table';
import type {
  BackendChoice, BackendMeasurement, BackendName, CachedEncoder, ClassMetrics, Comparison, DatasetMeta, DatasetProblem, EncoderId, EpochLog, FewShotComparison,
  FineTuneInfo, FineTuneJob, FineTuneStopReason, HeadInit, LongTextOptions, Misclassified, PerfTask, RejectedRow, RunMetrics, RunRecord, RunSummary,
} from '../core/model/records';
import type { Explanation, WordContribution } from './explain';

export type {
  BackendChoice, BackendMeasurement, BackendName, CachedEncoder, ClassMetrics, Comparison, DatasetMeta, DatasetProblem, EncoderId, EngineErrorData, EpochLog,
  ErrorCode, Explanation, FewShotComparison, FineTuneInfo, FineTuneMethod, FineTuneJob, FineTuneSettings, FineTuneStopReason, HeadInit, LongTextOptions, Misclassified, PerfTask, RejectedRow,
  RunMetrics, RunSummary, TrainConfig, WordContribution,
};

/** A run in detail: the stored record. */
export type RunDetail = RunRecord;

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

export interface ColumnMapping {
  /** Column indices into ImportPreview.columns (-1: none). */
  textColumn: number;
  labelColumn: number;
  /** The user's answer to "is the first row a header?" (absent: as detected). */
  hasHeader?: boolean;
}

export interface ImportPreview {
  importId: string;
  fileName: string;
  delimiter: string;
  /** Set for JSON Lines / a JSON array of records (the field names are the columns; there is no header row to toggle). */
  format?: JsonFormat;
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
  /** The table as now read (it changes when the user overrides the header guess). */
  table: Pick<ImportPreview, 'hasHeader' | 'columns' | 'rowCount' | 'sampleRows'>;
}

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

export interface Prediction {
  labels: string[];
  /** Row-major [texts, labels]. */
  probabilities: Float32Array;
  ms: number;
  /** Per text, the share of its tokens the encoder's vocabulary does not know (TextEncoder.unknownShare); absent when the encoder was not used. */
  unknownShare?: number[];
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
  /** Set for JSON Lines / a JSON array of records: field names are the columns, no header row to toggle. */
  format?: JsonFormat;
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
  /** Parallel embedding workers that took the texts (embed-pool.ts); 0: the engine alone. */
  workers: number;
  /** With workers: the largest difference between their vectors and the engine's own for the first texts. */
  poolMaxAbsDiff: number | null;
  texts: number;
  /** Tokens the encoder consumed (special tokens included, after the length cut). */
  tokens: number;
  ms: number;
  textsPerSecond: number;
  /** The path the texts took: 'tfjs' (forward()), or the encoder's own kernel ('relaxed-simd' / 'simd': use-lite-cpu.ts). */
  path: string;
  /** With `latency` (one text per call, as typing embeds): the largest difference between those vectors and forward()'s for the first texts. */
  referenceMaxAbsDiff?: number;
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
  'runs.rename': { args: { id: string; name: string }; result: RunSummary };
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
  'predict.batch': { args: { runId: string; file: Blob; fileName: string; choice?: BatchChoice }; result: ExportedFile & { rows: number; textColumn: string; /** Rows whose text is empty or blank (predicted all the same, from nothing). */ emptyRows: number } };
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
  'perf.embed': { args: { encoderId: EncoderId; texts: string[]; batchSize?: number; latency?: boolean; reference?: boolean }; result: EmbedTiming };
}

export type Method = keyof EngineApi;
export type Args<M extends Method> = EngineApi[M]['args'];
export type Result<M extends Method> = EngineApi[M]['result'];

export type ProgressTask = 'parse' | 'download' | 'load-encoder' | 'embed' | 'train' | 'finetune' | 'estimate' | 'predict' | 'save';

export type EngineEvent =
  | { type: 'progress'; task: ProgressTask; done: number; total: number; etaSeconds: number | null; detail: string | null }
  | { type: 'epoch'; log: EpochLog; totalEpochs: number }
  /** step: contrastive runs, which checkpoint every few steps (epoch is then 0). */
  | { type: 'checkpoint'; jobId: string; epoch: number; step?: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'backend'; info: BackendInfo }
  | { type: 'encoder'; info: EncoderInfo }
  /** The auto backend started measuring backends for an encoder (choice null), finished, or failed. */
  | { type: 'perf'; encoderId: string; choice: BackendChoice | null; failed?: boolean }
  /** Stored records changed (posted before the answer of the request that changed them): lists showing them refetch. */
  | { type: 'changed'; what: StoredKind };

/** What the UI lists from storage (app/stores.ts keeps one list of each). */
export type StoredKind = 'runs' | 'datasets';

export type ToWorker = { kind: 'request'; id: number; method: Method; args: unknown };

export type FromWorker =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: EngineErrorData }
  /**
   * requestId: the request whose work the event reports (the client hands it to that call's
   * listener); absent for the engine's own news (backend, encoder loaded, perf, data changed).
   */
  | { kind: 'event'; event: EngineEvent; requestId?: number };
