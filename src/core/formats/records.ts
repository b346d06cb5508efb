// Field-by-field checks of records that come from files we did not write (bundles, Hugging Face
// config.json), run before anything is stored. A bundle with `metrics: {}` or an id2label of
// objects used to be stored and then crash React ("reading 'toFixed'", "Objects are not valid as
// a React child").
//
// One function per record, so a new field is added in one place. Known fields are checked and
// normalised (JSON has no NaN: the app writes null for "not measured", read back as NaN);
// unknown fields pass through untouched, so a newer bundle with extra members still imports.
import { BundleError } from './errors';

export class RecordError extends BundleError {
  constructor(message: string) {
    super('invalid-metadata', message);
  }
}

type Json = Record<string, unknown>;

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

function fail(path: string, want: string, got: unknown): never {
  throw new RecordError(`${path} must be ${want}; received ${show(got)}`);
}

export function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}

export function str(v: unknown, path: string, maxLength = 10_000): string {
  if (typeof v !== 'string' || v.length > maxLength) fail(path, `a string of at most ${maxLength} characters`, v);
  return v as string;
}

export function finite(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(path, `a finite number in [${min}, ${max}]`, v);
  return v as number;
}

/** A measured value: a number in range, or null / absent for "not measured" (NaN). */
export function measured(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  return v === null || v === undefined ? NaN : finite(v, path, min, max);
}

export function int(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(path, `an integer in [${min}, ${max}]`, v);
  return v as number;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v as boolean;
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(path, `one of ${values.map((x) => `"${x}"`).join(', ')}`, v);
  return v as T;
}

export function arr<T>(v: unknown, path: string, item: (x: unknown, path: string) => T, maxLength = 100_000): T[] {
  if (!Array.isArray(v) || v.length > maxLength) fail(path, `an array of at most ${maxLength} items`, v);
  return (v as unknown[]).map((x, i) => item(x, `${path}[${i}]`));
}

/** Most labels an imported model may have (the app's own datasets allow 50). */
export const MAX_IMPORTED_LABELS = 1_000;
export const MAX_LABEL_LENGTH = 200;

/** Class names: ≥ 2 distinct non-empty strings. */
export function labels(v: unknown, path: string): string[] {
  const out = arr(v, path, (x, p) => {
    const s = str(x, p, MAX_LABEL_LENGTH);
    if (s.trim() === '') fail(p, 'a non-empty string', x);
    return s;
  }, MAX_IMPORTED_LABELS);
  if (out.length < 2) fail(path, 'at least 2 labels', v);
  const seen = new Set<string>();
  out.forEach((l, i) => {
    if (seen.has(l)) fail(`${path}[${i}]`, 'a label not listed before (labels must be unique)', l);
    seen.add(l);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The records.

export interface CheckedMetrics {
  accuracy: number;
  macroF1: number;
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
}

/** A run's metrics for k labels; perClass / confusion may be absent (older exports), never malformed. */
export function runMetrics(v: unknown, path: string, k: number): CheckedMetrics {
  const m = obj(v, path);
  const unit = (x: unknown, p: string) => measured(x, p, 0, 1);
  const perClass = m.perClass === undefined ? [] : arr(m.perClass, `${path}.perClass`, (x, p) => {
    const c = obj(x, p);
    return { ...c, precision: unit(c.precision, `${p}.precision`), recall: unit(c.recall, `${p}.recall`), f1: unit(c.f1, `${p}.f1`), support: int(c.support, `${p}.support`) };
  });
  if (perClass.length !== 0 && perClass.length !== k) fail(`${path}.perClass`, `${k} entries (one per label)`, `${perClass.length} entries`);
  const confusion = m.confusion === undefined ? [] : arr(m.confusion, `${path}.confusion`, (row, p) => arr(row, p, (x, q) => int(x, q)));
  if (confusion.length !== 0 && (confusion.length !== k || confusion.some((r) => r.length !== k))) fail(`${path}.confusion`, `a ${k}×${k} matrix`, confusion);
  // Absent optional fields stay absent, so a valid record reads back exactly as written.
  return {
    ...m,
    accuracy: unit(m.accuracy, `${path}.accuracy`),
    macroF1: unit(m.macroF1, `${path}.macroF1`),
    ...(m.perClass === undefined ? {} : { perClass }),
    ...(m.confusion === undefined ? {} : { confusion }),
  } as CheckedMetrics;
}

/** One epoch of a run's history (head or fine-tune). */
export function epochLog(v: unknown, path: string): Json {
  const e = obj(v, path);
  const out: Json = { ...e, epoch: int(e.epoch, `${path}.epoch`, 0, 1_000_000) };
  for (const f of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'valMacroF1', 'seconds']) out[f] = measured(e[f], `${path}.${f}`);
  for (const f of ['numTensors', 'encoderLearningRate']) if (e[f] !== undefined) out[f] = measured(e[f], `${path}.${f}`);
  return out;
}

const STOP_REASONS = ['completed', 'early-stopping', 'user', 'non-finite-loss'] as const;

/** What a fine-tuned run adds (null when the run is not fine-tuned). */
export function fineTuneInfo(v: unknown, path: string): Json | null {
  if (v === null || v === undefined) return null;
  const f = obj(v, path);
  const s = obj(f.settings, `${path}.settings`);
  const settings: Json = { ...s, classWeights: bool(s.classWeights, `${path}.settings.classWeights`) };
  for (const k of ['valFraction', 'seed', 'unfreezeLayers', 'encoderLearningRate', 'headLearningRate', 'epochs', 'batchSize', 'warmupFraction', 'clipNorm', 'patience']) settings[k] = finite(s[k], `${path}.settings.${k}`);
  const h = obj(f.headInit, `${path}.headInit`);
  const kind = oneOf(h.kind, `${path}.headInit.kind`, ['head-run', 'fresh'] as const);
  const headInit = kind === 'head-run'
    ? { ...h, kind, runId: str(h.runId, `${path}.headInit.runId`, 200), runName: str(h.runName, `${path}.headInit.runName`, 1_000) }
    : { ...h, kind, reason: str(h.reason, `${path}.headInit.reason`, 1_000) };
  return {
    ...f,
    settings,
    baseEncoderHash: str(f.baseEncoderHash, `${path}.baseEncoderHash`, 200),
    headInit,
    stopReason: oneOf(f.stopReason, `${path}.stopReason`, STOP_REASONS),
    message: f.message === null || f.message === undefined ? null : str(f.message, `${path}.message`),
    peakBytes: measured(f.peakBytes, `${path}.peakBytes`, 0),
    encoderWeightNames: arr(f.encoderWeightNames, `${path}.encoderWeightNames`, (x, p) => str(x, p, 500)),
    resumed: int(f.resumed ?? 0, `${path}.resumed`),
  };
}

/**
 * texttune.json of a bundle: the required fields (format, version, labels, encoder,
 * hyperParameters, metrics, createdAt) and the optional ones the app shows (name, history,
 * fineTune, …). Returns the record with known fields normalised; unknown fields untouched.
 */
export function bundleMetadataRecord(v: unknown, path = 'texttune.json'): Json {
  const m = obj(v, path);
  const names = labels(m.labels, `${path}.labels`);
  const e = obj(m.encoder, `${path}.encoder`);
  const encoder = {
    ...e,
    id: str(e.id, `${path}.encoder.id`, 300),
    weightsHash: str(e.weightsHash, `${path}.encoder.weightsHash`, 200),
    maxSeqLength: int(e.maxSeqLength, `${path}.encoder.maxSeqLength`, 1, 100_000),
    tokenizer: str(e.tokenizer, `${path}.encoder.tokenizer`, 1_000),
  };
  const hp = obj(m.hyperParameters, `${path}.hyperParameters`);
  for (const [k, x] of Object.entries(hp)) if (typeof x !== 'boolean' && typeof x !== 'string') finite(x, `${path}.hyperParameters.${k}`);
  const out: Json = {
    ...m,
    labels: names,
    encoder,
    hyperParameters: hp,
    metrics: m.metrics === null ? null : runMetrics(m.metrics, `${path}.metrics`, names.length),
    createdAt: str(m.createdAt, `${path}.createdAt`, 100),
  };
  if (m.name !== undefined) out.name = str(m.name, `${path}.name`, 1_000);
  if (m.datasetName !== undefined) out.datasetName = str(m.datasetName, `${path}.datasetName`, 1_000);
  if (m.datasetId !== undefined) out.datasetId = str(m.datasetId, `${path}.datasetId`, 200);
  if (m.backend !== undefined) out.backend = str(m.backend, `${path}.backend`, 100);
  if (m.embeddingDim !== undefined) out.embeddingDim = int(m.embeddingDim, `${path}.embeddingDim`, 1, 100_000);
  if (m.bestEpoch !== undefined) out.bestEpoch = int(m.bestEpoch, `${path}.bestEpoch`);
  if (m.epochsRun !== undefined) out.epochsRun = int(m.epochsRun, `${path}.epochsRun`);
  if (m.history !== undefined) out.history = arr(m.history, `${path}.history`, epochLog, 100_000);
  if (m.fineTune !== undefined) out.fineTune = fineTuneInfo(m.fineTune, `${path}.fineTune`);
  return out;
}

const POOLING_MODES = ['mean', 'cls', 'pooler'] as const;

/** A pooling record ({mode, normalize}) as texttune.json / config.json "texttune" write it. */
export function poolingRecord(v: unknown, path: string): { mode: (typeof POOLING_MODES)[number]; normalize: boolean } {
  const p = obj(v, path);
  return { mode: oneOf(p.mode, `${path}.mode`, POOLING_MODES), normalize: bool(p.normalize, `${path}.normalize`) };
}

/**
 * The parts of a Hugging Face config.json TextTune reads beyond BertConfig: id2label for
 * `numLabels` classes (distinct non-empty strings; missing entries become LABEL_i as in
 * transformers) and our "texttune" field (pooling, max_seq_length).
 */
export function hfClassifierConfig(v: unknown, numLabels: number, path = 'config.json'): { labels: string[]; pooling: ReturnType<typeof poolingRecord> | null; maxSeqLength: number | undefined } {
  const c = obj(v, path);
  const id2label = c.id2label === undefined ? {} : obj(c.id2label, `${path}.id2label`);
  const names = Array.from({ length: numLabels }, (_, i) => (id2label[String(i)] === undefined ? `LABEL_${i}` : id2label[String(i)]));
  const checked = labels(names, `${path}.id2label`);
  const t = c.texttune === undefined ? null : obj(c.texttune, `${path}.texttune`);
  return {
    labels: checked,
    pooling: t && t.pooling !== undefined ? poolingRecord(t.pooling, `${path}.texttune.pooling`) : null,
    maxSeqLength: t && t.max_seq_length !== undefined ? int(t.max_seq_length, `${path}.texttune.max_seq_length`, 2, 100_000) : undefined,
  };
}
