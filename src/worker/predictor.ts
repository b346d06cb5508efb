// Loaded heads by run id, and prediction: embed the texts, run the head, read probabilities.
import type * as tf from '@tensorflow/tfjs';
import { toCsv } from '../core/data/csv-write';
import { predictProbaAsync, predictProbaOnCpu } from '../core/train/head';
import { artifactsToHead } from '../core/formats/tfjs-artifacts';
import { parseDelimited } from '../core/data/csv';
import type { JsonFormat } from '../core/data/json-table';
import { detectColumns } from '../core/data/detect';
import { getModel, getRun } from '../storage/runs';
import type { BatchChoice, BatchPreview, EncoderId, ExportedFile, Prediction } from './protocol';
import { EngineError } from './errors';
import type { EncoderStore } from './encoders';
import { parseEncoderId } from './hub-encoders';
import type { EncoderOverlay } from './encoder-weights';
import type { LongTextOptions, TextEncoder } from '../core/encoders/types';
import { needsEncoder, predictTextModel, type TextModel } from '../core/train/text-model';
import { encoderWeightsFromSafetensors } from '../core/formats/encoder-weights';
import { explainByOcclusion, type Explanation } from './explain';

interface LoadedHead {
  model: tf.LayersModel;
  labels: string[];
  encoderId: EncoderId;
  encoderHash: string;
  /** The fine-tuned encoder weights of the run (null: the pristine encoder). */
  overlay: EncoderOverlay | null;
  /** The kept model's other parts (null: older runs and imports without one — the head is the model). */
  textModel: TextModel | null;
  /** How texts are embedded for this run (absent on older runs: the first window only). */
  longText: LongTextOptions | undefined;
}

/** A stored encoder id as the protocol type (USE-lite, a Hub model, an imported model's encoder). */
export function asEncoderId(id: string): EncoderId {
  return parseEncoderId(id);
}

const BATCH_EMBED = 64;
const FIRST_WINDOW: LongTextOptions = { policy: 'truncate', maxWindows: 1 };

export class Predictor {
  private readonly heads = new Map<string, Promise<LoadedHead>>();

  constructor(private readonly encoders: EncoderStore) {}

  /** Keeps a freshly trained model in memory so the first prediction needs no reload. */
  adopt(runId: string, head: LoadedHead): void {
    this.forget(runId);
    this.heads.set(runId, Promise.resolve(head));
  }

  forget(runId: string): void {
    const h = this.heads.get(runId);
    this.heads.delete(runId);
    void h?.then((x) => x.model.dispose(), () => undefined);
  }

  /** Drops every head from memory (they reload from IndexedDB on next use). */
  forgetAll(): void {
    for (const id of [...this.heads.keys()]) this.forget(id);
  }

  async predict(runId: string, texts: string[]): Promise<Prediction> {
    const t0 = performance.now();
    const head = await this.head(runId);
    const seen: { unknownShare?: number[] } = {};
    const probabilities = await this.probabilities(head, texts, undefined, seen);
    return { labels: head.labels, probabilities, ms: performance.now() - t0, ...seen };
  }

  /** Which words pushed the prediction of `text`, by occlusion on the same path as predict(). */
  async explain(runId: string, text: string): Promise<Explanation> {
    const head = await this.head(runId);
    return explainByOcclusion(text, head.labels, (texts) => this.probabilities(head, texts));
  }

  /** The kept model's probabilities: the encoder (+ head) only when the kept model needs it. */
  private async probabilities(head: LoadedHead, texts: string[], progress?: (done: number, total: number) => void, seen?: { unknownShare?: number[] }): Promise<Float32Array> {
    const k = head.labels.length;
    const tm = head.textModel;
    if (tm && !needsEncoder(tm)) {
      progress?.(texts.length, texts.length);
      return predictTextModel(tm, texts, null, null, k);
    }
    const { x, dim, unknownShare } = await this.embed(head, texts, progress, seen !== undefined);
    if (seen && unknownShare) seen.unknownShare = unknownShare;
    // The hybrid reads the embeddings itself: the encoder head's probabilities would go unused.
    if (tm?.kept === 'hybrid') return predictTextModel(tm, texts, null, { data: x, dim }, k);
    // A few rows (a typed text): the head in JavaScript, no tfjs kernel to wake WASM's threads.
    const encoderProbs = predictProbaOnCpu(head.model, x, dim) ?? (await predictProbaAsync(head.model, x, dim));
    return tm ? predictTextModel(tm, texts, encoderProbs, { data: x, dim }, k) : encoderProbs;
  }

  /** How `file` would be read for a batch prediction (the same parsing and detection as import). */
  async previewFile(file: Blob, fileName: string, choice?: BatchChoice): Promise<BatchPreview> {
    const batch = await readBatch(file, fileName, choice);
    return {
      fileName,
      rows: batch.rows.length,
      columns: batch.columns,
      choice: batch.choice,
      headerReason: batch.headerReason,
      ...(batch.format ? { format: batch.format } : {}),
      sampleTexts: batch.rows.slice(0, 3).map((r) => r[batch.choice.textColumn] ?? ''),
    };
  }

  async predictFile(
    runId: string,
    file: Blob,
    fileName: string,
    progress: (done: number, total: number) => void,
    choice?: BatchChoice,
  ): Promise<ExportedFile & { rows: number; textColumn: string; emptyRows: number }> {
    const table = await readBatch(file, fileName, choice);
    const textColumn = table.choice.textColumn;
    const head = await this.head(runId);
    const texts = table.rows.map((r) => r[textColumn] ?? '');
    progress(0, texts.length);
    const probs = await this.probabilities(head, texts, progress);
    const k = head.labels.length;
    const rows = table.rows.map((r, i) => {
      const p = Array.from(probs.subarray(i * k, (i + 1) * k));
      const best = p.indexOf(Math.max(...p));
      return [...table.columns.map((_, c) => r[c] ?? ''), head.labels[best]!, ...p.map((v) => v.toFixed(6))];
    });
    // The output always has a header row (prob_<label> needs naming); a header-less input gets "column N".
    const csv = toCsv([...table.columns, 'predicted_label', ...head.labels.map((l) => `prob_${l}`)], rows);
    return {
      fileName: fileName.replace(/\.(csv|tsv|txt)$/i, '') + '-predictions.csv',
      mime: 'text/csv',
      bytes: new TextEncoder().encode(csv),
      rows: rows.length,
      textColumn: table.columns[textColumn] ?? `column ${textColumn + 1}`,
      emptyRows: texts.filter((t) => t.trim() === '').length,
    };
  }

  private head(runId: string): Promise<LoadedHead> {
    let h = this.heads.get(runId);
    if (!h) {
      h = this.load(runId);
      this.heads.set(runId, h);
      h.catch(() => this.heads.delete(runId));
    }
    return h;
  }

  private async load(runId: string): Promise<LoadedHead> {
    const [run, stored] = await Promise.all([getRun(runId), getModel(runId)]);
    const overlay = stored.encoderWeights
      ? { key: runId, hash: run.encoderHash, weights: encoderWeightsFromSafetensors(stored.encoderWeights) }
      : null;
    const model = await artifactsToHead(stored.modelJson, stored.weightsBin);
    return { model, labels: run.labels, encoderId: asEncoderId(run.encoderId), encoderHash: run.encoderHash, overlay, textModel: stored.textModel ?? null, longText: run.longText };
  }

  /** Embeds with the encoder weights the run was trained with (pristine or its fine-tuned layers). */
  private embed(head: LoadedHead, texts: string[], onProgress?: (done: number, total: number) => void, withUnknown = false): Promise<{ x: Float32Array; dim: number; unknownShare?: number[] }> {
    // A batch file (it reports progress) may go to the parallel workers; a playground text stays here.
    return this.encoders.use(head.encoderId, head.overlay, async ({ encoder }) => {
      checkHash(encoder, head);
      const x = await this.encoders.embeddings.embed(encoder, texts, { batchSize: BATCH_EMBED, longText: head.longText ?? FIRST_WINDOW, ...(onProgress ? { onProgress, parallel: true } : { latency: true }) });
      const unknownShare = withUnknown && encoder.unknownShare ? texts.map((t) => encoder.unknownShare!(t)) : undefined;
      return { x, dim: encoder.dim, ...(unknownShare ? { unknownShare } : {}) };
    });
  }
}

/**
 * Parses a batch file and applies the header/text-column choice (default: as detected). A file
 * read with a header the user says is data gets that row back as its first data row, and the
 * other way round, so no row is lost to a wrong guess.
 */
async function readBatch(file: Blob, fileName: string, choice?: BatchChoice): Promise<{ columns: string[]; rows: string[][]; choice: BatchChoice; headerReason: string; format?: JsonFormat }> {
  const table = await parseDelimited(file);
  let columns = table.columns;
  let rows = table.rows;
  // JSON records name their fields: there is no header row to read as data.
  const hasHeader = table.format ? true : (choice?.hasHeader ?? table.hasHeader);
  if (table.hasHeader && !hasHeader) {
    rows = [table.columns, ...rows];
    columns = table.columns.map((_, i) => `column ${i + 1}`);
  } else if (!table.hasHeader && hasHeader && rows.length > 0) {
    columns = rows[0]!.map((c, i) => c.trim() || `column ${i + 1}`);
    rows = rows.slice(1);
  }
  // FILE_UNREADABLE, not DATASET_INVALID: that code's advice is about training splits.
  if (rows.length === 0) {
    const only = table.hasHeader && table.rows.length === 0 ? `: its only row ("${table.columns.join(', ').slice(0, 80)}") was read as a header. If it is a text to predict, add a header row such as "text" above it` : '';
    throw new EngineError('FILE_UNREADABLE', `${fileName} has no data rows to predict${only}`);
  }
  const detected = detectColumns({ ...table, columns, rows, hasHeader }).textColumn;
  const textColumn = choice?.textColumn ?? detected;
  if (textColumn < 0) throw new EngineError('FILE_UNREADABLE', `${fileName} has no column with text in it (every column holds numbers or nothing)`);
  if (!Number.isInteger(textColumn) || textColumn >= columns.length) {
    throw new EngineError('BAD_ARGUMENT', `textColumn must be a column of ${fileName} (0 to ${columns.length - 1}), got ${textColumn}`);
  }
  return { columns, rows, choice: { hasHeader, textColumn }, headerReason: table.headerReason, ...(table.format ? { format: table.format } : {}) };
}

function checkHash(encoder: TextEncoder, head: LoadedHead): void {
  if (encoder.weightsHash !== head.encoderHash) {
    throw new EngineError(
      'BUNDLE_MISMATCH',
      `this model was trained on encoder weights ${head.encoderHash.slice(0, 12)}…, but the loaded ${head.encoderId} has ${encoder.weightsHash.slice(0, 12)}…`,
    );
  }
}
