// BERT-family encoders in the worker: what an encoder id names, fetching a Hub model's files,
// loading a BertEncoder from cached files, and the Hub's errors as protocol errors.
//   'use-lite'               served by this app (encoders.ts)
//   'hf:owner/name@revision' a Hub model: downloaded once, then only read from IndexedDB
//   'hf-import:<hash>'       the encoder of an imported Hugging Face classifier: only in IndexedDB
import { loadBert, type BertEncoder, type BertFiles } from '../core/encoders/bert';
import { poolingFromSentenceTransformers, type BertPooling } from '../core/encoders/bert-config';
import { findPreset, hubEncoderId, parseModelRef, type HubModelRef } from '../core/encoders/registry';
import { fetchHubModel, HubError, type HubOptions } from '../core/hub/hf-hub';
import type { DownloadProgress } from '../core/hub/download';
import type { EncoderFileRecord } from '../storage/db';
import { int, poolingRecord } from '../core/formats/records';
import { encoderKey } from '../storage/encoder-files';
import type { EncoderId } from './protocol';
import { EngineError, assertNever } from './errors';

export type EncoderSpec =
  | { kind: 'use-lite' }
  | { kind: 'hub'; ref: HubModelRef }
  | { kind: 'import'; hash: string };

/** Our own record beside an imported model's files: how TextTune pools and truncates. */
export const TEXTTUNE_FILE = 'texttune.json';
export interface TextTuneEncoderFile {
  pooling: BertPooling;
  maxSeqLength: number;
}

/** The revision an imported encoder is cached under (its id already carries the weights' hash). */
export const IMPORT_REVISION = 'import';

/** Checks a stored or received encoder id; names the value when it is not one this app knows. */
export function parseEncoderId(id: string): EncoderId {
  encoderSpec(id as EncoderId);
  return id as EncoderId;
}

export function encoderSpec(id: EncoderId): EncoderSpec {
  if (id === 'use-lite') return { kind: 'use-lite' };
  if (typeof id === 'string' && id.startsWith('hf:')) {
    try {
      const ref = parseModelRef(id.slice(3));
      if (hubEncoderId(ref) === id) return { kind: 'hub', ref };
    } catch {
      // reported below
    }
  }
  if (typeof id === 'string' && /^hf-import:[0-9a-f]{16,64}$/.test(id)) return { kind: 'import', hash: id.slice('hf-import:'.length) };
  throw new EngineError('BUNDLE_MISMATCH', `this model needs the encoder "${String(id)}", which this version of TextTune does not know`);
}

export function importEncoderId(weightsHash: string): EncoderId {
  return `hf-import:${weightsHash.slice(0, 32)}`;
}

export function licenseOf(spec: EncoderSpec): string | null {
  switch (spec.kind) {
    case 'use-lite':
      return findPreset('use-lite')?.license ?? null;
    case 'hub':
      return findPreset(spec.ref.repo)?.license ?? null;
    case 'import':
      return null;
    default:
      return assertNever(spec, 'encoder kind');
  }
}

/** A Hub error as an engine error (its code from HubError's table); the message (with the repo's file list) is kept. */
export function hubError(err: unknown): unknown {
  if (!(err instanceof HubError)) return err;
  return new EngineError(err.engineCode, err.code === 'aborted' ? `${err.message}; nothing was stored` : err.message);
}

function asArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

/** Cache records of one encoder's files (sha256 as computed on arrival). */
export function toRecords(id: EncoderId, revision: string, files: Record<string, Uint8Array>, sha256: Record<string, string>): EncoderFileRecord[] {
  const encoder = encoderKey(id, revision);
  const now = Date.now();
  return Object.entries(files).map(([path, bytes]) => ({ key: `${encoder}/${path}`, encoder, path, sha256: sha256[path]!, bytes: asArrayBuffer(bytes), storedAt: now }));
}

/** Downloads a Hub model's files (quota checked first; progress, size + sha256 checks, resume). */
export async function downloadHubModel(
  ref: HubModelRef,
  opts: { baseUrl: string; onProgress: (p: DownloadProgress) => void; signal?: AbortSignal },
): Promise<EncoderFileRecord[]> {
  const hubOpts: HubOptions = {
    baseUrl: opts.baseUrl,
    onProgress: opts.onProgress,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(typeof navigator !== 'undefined' && navigator.storage?.estimate ? { estimate: () => navigator.storage.estimate() } : {}),
  };
  try {
    const model = await fetchHubModel(ref, hubOpts);
    return toRecords(hubEncoderId(ref) as EncoderId, ref.revision, model.raw, model.sha256);
  } catch (err) {
    throw hubError(err);
  }
}

/** The cached files a BERT encoder needs are all there. */
export function bertFilesComplete(paths: Set<string>): boolean {
  return paths.has('config.json') && paths.has('model.safetensors') && (paths.has('tokenizer.json') || paths.has('vocab.txt'));
}

const decoder = new TextDecoder();
const text = (r: EncoderFileRecord | undefined): string | undefined => (r ? decoder.decode(r.bytes) : undefined);
const json = (r: EncoderFileRecord | undefined): unknown => (r ? JSON.parse(decoder.decode(r.bytes)) : undefined);

/** A BertEncoder from cached files: pooling from our texttune.json, else the sentence-transformers files. */
export async function bertFromRecords(id: EncoderId, records: EncoderFileRecord[]): Promise<BertEncoder> {
  const byPath = new Map(records.map((r) => [r.path, r]));
  const raw = json(byPath.get(TEXTTUNE_FILE)) as TextTuneEncoderFile | undefined;
  // Written by us, but from an imported config.json: checked again, as any stored record we read.
  const ours = raw && { pooling: poolingRecord(raw.pooling, `${TEXTTUNE_FILE}.pooling`), maxSeqLength: int(raw.maxSeqLength, `${TEXTTUNE_FILE}.maxSeqLength`, 2, 100_000) };
  const files: BertFiles = {
    config: json(byPath.get('config.json')),
    safetensors: new Uint8Array(byPath.get('model.safetensors')!.bytes),
    pooling: ours?.pooling ?? poolingFromSentenceTransformers(json(byPath.get('modules.json')), json(byPath.get('1_Pooling/config.json'))),
  };
  if (byPath.has('tokenizer.json')) files.tokenizerJson = json(byPath.get('tokenizer.json'));
  else {
    files.vocab = text(byPath.get('vocab.txt'));
    files.tokenizerConfig = json(byPath.get('tokenizer_config.json'));
  }
  return loadBert(files, { id, ...(ours ? { maxSeqLength: ours.maxSeqLength } : {}) });
}
