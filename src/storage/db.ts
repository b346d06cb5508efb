// The one IndexedDB database of the app: a typed schema and its versioned upgrades.
// Used from the worker (the engine owns all reads and writes); pure idb, no React.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { MAX_NAME_CHARS, type BackendChoice, type DatasetMeta, type FineTuneJobBase, type RejectedRow, type RunRecord } from '../core/model/records';
import { quotaMessage } from '../core/model/errors';
import type { FineTuneCheckpoint } from '../core/train/finetune-run';
import type { ContrastiveCheckpoint } from '../core/train/contrastive';
import type { TextModel } from '../core/train/text-model';
import { StorageError } from './errors';

export type { RunRecord };

export const DB_NAME = 'texttune';
export const DB_VERSION = 3;

export interface DatasetRowsRecord {
  id: string;
  texts: string[];
  labels: string[];
  /** 1-based line of each row in the source file, for error reports. */
  lines: number[];
  rejected: RejectedRow[];
  /** Rows without a label yet (absent on older records): labelled in the app, then moved to the rows above. */
  unlabelled?: { text: string; line: number }[];
}

export interface EncoderFileRecord {
  /** `${encoder}/${path}`. */
  key: string;
  /** `${id}@${revision}`. */
  encoder: string;
  path: string;
  sha256: string;
  bytes: ArrayBuffer;
  storedAt: number;
}

export interface EmbeddingsRecord {
  /** `${datasetId}|${encoderId}|${weightsHash}`: an embedding is only valid for those weights. */
  key: string;
  datasetId: string;
  dim: number;
  count: number;
  vectors: Float32Array;
  createdAt: number;
}

/** The head's weights, stored as tfjs Layers artifacts beside the run (same transaction). */
export interface ModelRecord {
  runId: string;
  /** tfjs Layers model.json (topology + weightsManifest pointing at weights.bin). */
  modelJson: object;
  weightsBin: Uint8Array;
  /** Fine-tuned encoder weights (safetensors bytes) carried by a bundle, kept for re-export. */
  encoderWeights: Uint8Array | null;
  /** The kept model's n-gram / hybrid / blend parts (absent on older records: the head alone). */
  textModel?: TextModel | null;
}

/**
 * An unfinished fine-tuning run: written when it starts, overwritten by every epoch's
 * checkpoint, deleted in the transaction that saves the finished run. One that outlives its
 * worker (reload, crashed tab) can be resumed from its checkpoint.
 */
export interface FineTuneJobRecord extends FineTuneJobBase {
  /** The pristine encoder the run started from; a resume refuses any other. */
  baseEncoderHash: string;
  labels: string[];
  /** The head the run started from (null: fresh), needed to restart when no epoch finished. */
  initialHead: { kernel: Float32Array; bias: Float32Array } | null;
  /** Last epoch's checkpoint (null until the first epoch finished). */
  checkpoint: FineTuneCheckpoint | null;
  /** Contrastive runs: the last checkpoint (every few steps; absent/null until the first). */
  contrastive?: ContrastiveCheckpoint | null;
  /** Contrastive runs: the frozen-encoder Train run they are compared with. */
  frozenRunId?: string | null;
  resumed: number;
}

export interface TextTuneSchema extends DBSchema {
  datasets: { key: string; value: DatasetMeta; indexes: { 'by-created': number } };
  datasetRows: { key: string; value: DatasetRowsRecord };
  encoderFiles: { key: string; value: EncoderFileRecord; indexes: { 'by-encoder': string } };
  embeddings: { key: string; value: EmbeddingsRecord; indexes: { 'by-dataset': string } };
  runs: { key: string; value: RunRecord; indexes: { 'by-created': number } };
  models: { key: string; value: ModelRecord };
  finetunes: { key: string; value: FineTuneJobRecord; indexes: { 'by-created': number } };
  /** The backend measured fastest on this device, per encoder and task (perf-choices.ts). */
  backendChoices: { key: string; value: BackendChoice };
}

export type TextTuneDB = IDBPDatabase<TextTuneSchema>;

let dbPromise: Promise<TextTuneDB> | null = null;

export function openTextTuneDB(name = DB_NAME): Promise<TextTuneDB> {
  if (name !== DB_NAME) return open(name);
  dbPromise ??= open(name);
  return dbPromise;
}

function open(name: string): Promise<TextTuneDB> {
  return openDB<TextTuneSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // One block per version, applied in order: a user on v1 runs only the later blocks.
      if (oldVersion < 1) {
        db.createObjectStore('datasets', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
        db.createObjectStore('datasetRows', { keyPath: 'id' });
        db.createObjectStore('encoderFiles', { keyPath: 'key' }).createIndex('by-encoder', 'encoder');
        db.createObjectStore('embeddings', { keyPath: 'key' }).createIndex('by-dataset', 'datasetId');
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
        db.createObjectStore('models', { keyPath: 'runId' });
      }
      if (oldVersion < 2) {
        db.createObjectStore('finetunes', { keyPath: 'id' }).createIndex('by-created', 'createdAt');
      }
      if (oldVersion < 3) {
        db.createObjectStore('backendChoices', { keyPath: 'key' });
      }
    },
    blocking() {
      // Another tab wants a newer schema: let it, we reopen on next use.
      void dbPromise?.then((db) => db.close());
      dbPromise = null;
    },
  });
}

/** Runs a write and turns the browser's quota error into a message a person can act on. */
export async function withQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isQuotaError(err)) throw new StorageError('QUOTA_EXCEEDED', quotaMessage());
    throw err;
  }
}

function isQuotaError(err: unknown): boolean {
  if (!(err instanceof Error || err instanceof DOMException)) return false;
  if (err.name === 'QuotaExceededError') return true;
  const inner = (err as { cause?: unknown }).cause;
  return inner !== undefined && isQuotaError(inner);
}

export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Renames the record `id` of a named store (a dataset, a run): the name trimmed, refused empty or
 * longer than MAX_NAME_CHARS, in one transaction. Returns the renamed record.
 */
export async function renameRecord<S extends 'datasets' | 'runs'>(store: S, id: string, name: string, what: string): Promise<TextTuneSchema[S]['value']> {
  const trimmed = name.trim();
  if (!trimmed) throw new StorageError('BAD_ARGUMENT', `a ${what} name cannot be empty`);
  if (trimmed.length > MAX_NAME_CHARS) throw new StorageError('BAD_ARGUMENT', `a ${what} name has at most ${MAX_NAME_CHARS} characters, got ${trimmed.length}`);
  const db = await openTextTuneDB();
  return withQuota(async () => {
    const tx = db.transaction(store, 'readwrite');
    const record = await tx.store.get(id);
    if (!record) throw new StorageError('NOT_FOUND', `no ${what} with id "${id}"`);
    const renamed = { ...record, name: trimmed };
    await tx.store.put(renamed);
    await tx.done;
    return renamed;
  });
}
