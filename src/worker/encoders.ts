// Encoder files: fetched once (USE-lite from the app's own origin, BERT-family models from the
// Hugging Face Hub) with progress, verified by SHA-256, cached in IndexedDB by id + revision,
// then loaded by the core encoder. A cached encoder loads without any network.
import * as tf from '@tensorflow/tfjs-core';
import type { EncodeOptions, TextEncoder } from '../core/encoders/types';
import { shardPaths } from '../core/encoders/weights';
import { HF_BASE_URL } from '../core/hub/hf-hub';
import { downloadFiles, type DownloadProgress } from '../core/hub/download';
import { sha256Hex } from '../core/sha256';
import { deleteEncoderFiles, encoderKey, getEncoderFile, getEncoderFilePaths, getEncoderFiles, putEncoderFiles } from '../storage/encoder-files';
import type { EncoderFileRecord } from '../storage/db';
import type { EncoderId, EncoderInfo } from './protocol';
import { EngineError, assertNever } from './errors';
import { EncoderWeightState, type EncoderOverlay } from './encoder-weights';
import { IMPORT_REVISION, bertFilesComplete, downloadHubModel, encoderSpec, licenseOf, type EncoderSpec } from './hub-encoders';
import { buildEncoder, json } from './encoder-build';
import type { EmbedPool } from './embed-pool';
import { EmbeddingCache } from '../core/encoders/embedding-cache';

/** Bump when the served USE-lite files change, so caches of the old files are not mixed in. */
const USE_LITE_REVISION = 'energetic-ai-0.2.0';

function appUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, self.location.origin).href;
}

/** The browser says it has no network (navigator.onLine can also say true while offline). */
function offline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** Why a download cannot start while offline, in words that say what still works. */
function offlineError(id: EncoderId, spec: EncoderSpec): EngineError {
  if (spec.kind === 'hub') {
    return new EngineError(
      'HUB_NETWORK',
      `downloading ${spec.ref.repo}@${spec.ref.revision} from the Hugging Face Hub needs the network, and this browser is offline. ` +
        'Models already in the browser cache and the built-in encoder work offline.',
    );
  }
  return new EngineError(
    'ENCODER_UNAVAILABLE',
    `the encoder "${id}" is not stored in this browser yet, and downloading it needs the network: this browser is offline. ` +
      'Open TextTune once while online (it stores the built-in encoder in the background); afterwards it trains offline.',
  );
}

function totalBytes(records: EncoderFileRecord[]): number {
  return records.reduce((s, r) => s + r.bytes.byteLength, 0);
}

function revisionOf(spec: EncoderSpec): string {
  switch (spec.kind) {
    case 'use-lite':
      return USE_LITE_REVISION;
    case 'hub':
      return spec.ref.revision;
    case 'import':
      return IMPORT_REVISION;
    default:
      return assertNever(spec, 'encoder kind');
  }
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

/** Size of the weight shards as the manifest describes them (for an honest progress bar). */
function manifestBytes(modelJson: unknown): number {
  type Spec = { shape?: number[]; dtype?: string; quantization?: { dtype?: string } };
  const manifest = (modelJson as { weightsManifest?: { weights?: Spec[] }[] }).weightsManifest ?? [];
  let total = 0;
  for (const group of manifest) {
    for (const w of group.weights ?? []) {
      const count = (w.shape ?? []).reduce((a, b) => a * b, 1);
      total += count * (DTYPE_BYTES[w.quantization?.dtype ?? w.dtype ?? 'float32'] ?? 4);
    }
  }
  return total;
}


/** The USE-lite files a cache must hold to be complete. */
function useLiteComplete(byPath: Map<string, EncoderFileRecord>): boolean {
  const model = byPath.get('model.json');
  return !!model && byPath.has('vocab.json') && shardPaths(json(model.bytes)).every((p) => byPath.has(p));
}

export interface LoadedEncoder {
  encoder: TextEncoder;
  info: EncoderInfo;
  /** The files it was loaded from (what a Hugging Face export copies, e.g. tokenizer.json). */
  files: EncoderFileRecord[];
}

export class EncoderStore {
  private readonly loaded = new Map<EncoderId, Promise<LoadedEncoder>>();
  private readonly states = new WeakMap<LoadedEncoder, EncoderWeightState>();
  /** Downloads in flight, so a background prefetch and a training that needs the files share one. */
  private readonly downloading = new Map<EncoderId, Promise<EncoderFileRecord[]>>();
  /** Ids whose download someone waits for: only those report progress (a prefetch stays quiet). */
  private readonly foreground = new Set<EncoderId>();
  /** Requests that show an encoder's download as their own progress (watchDownload); none: it is everyone's news. */
  private readonly downloadWatchers = new Map<EncoderId, Set<(p: DownloadProgress) => void>>();
  /** Hub downloads in progress, so Cancel and Forget can end them (a stalled one used to stay pending). */
  private readonly downloads = new Map<EncoderId, AbortController>();
  private hubBaseUrl = HF_BASE_URL;
  /** Parallel embedding workers (WASM with more than one thread; see embed-pool.ts), or none. */
  private pool: EmbedPool | null = null;
  /**
   * Per-text embeddings by (encoder, weights hash, long-text reading): a text embedded once for
   * some weights is not embedded again, across datasets, training, batch predictions and the playground.
   */
  readonly embeddings = new EmbeddingCache();

  constructor(
    private readonly onDownload: (p: DownloadProgress) => void,
    private readonly onLoaded: (info: EncoderInfo) => void,
  ) {}

  /** The pool `parallel` embeddings go to (null: every embedding runs here). */
  setPool(pool: EmbedPool | null): void {
    if (this.pool !== pool) this.pool?.dispose();
    this.pool = pool;
  }

  /** Starts the pool's workers on an encoder's pristine weights and `sample` (before a measurement); false: no pool here. */
  async warmPool(id: EncoderId, sample?: string[]): Promise<boolean> {
    if (!this.pool || tf.getBackend() !== 'wasm') return false;
    const { info } = await this.get(id);
    return this.pool.warmUp({ encoderId: id, revision: info.revision, weightsHash: info.weightsHash, dim: info.dim }, sample);
  }

  /**
   * The encoder whose embedTexts spreads a call marked `parallel` over the pool, while the pool is
   * there, the backend is WASM and the weights are still the pristine ones the workers load from
   * the stored files (a fine-tuned overlay embeds here). Everything else is the encoder itself.
   */
  private parallelised(id: EncoderId, revision: string, encoder: TextEncoder): TextEncoder {
    const local = encoder.embedTexts.bind(encoder);
    const pristine = encoder.weightsHash;
    encoder.embedTexts = (texts: string[], options: EncodeOptions = {}) => {
      const pool = this.pool;
      if (!options.parallel || !pool || !pool.worthIt(texts.length) || tf.getBackend() !== 'wasm' || encoder.weightsHash !== pristine) return local(texts, options);
      return pool.embed({ encoderId: id, revision, weightsHash: pristine, dim: encoder.dim }, texts, options, local);
    };
    return encoder;
  }

  /** Where Hub models are fetched from (the page decides; see app.tsx hubBaseFromUrl). */
  setHubBaseUrl(url: string | null | undefined): void {
    if (url && new URL(url).origin !== self.location.origin) {
      throw new EngineError('BAD_ARGUMENT', `hubBaseUrl must be on this app's origin (${self.location.origin}); received ${JSON.stringify(url)}`);
    }
    this.hubBaseUrl = url || HF_BASE_URL;
  }

  get(id: EncoderId): Promise<LoadedEncoder> {
    let p = this.loaded.get(id);
    if (!p) {
      p = this.load(id);
      this.loaded.set(id, p);
      p.then((l) => this.onLoaded(l.info), () => undefined);
      p.catch(() => this.loaded.delete(id));
    }
    return p;
  }

  /**
   * Makes sure an encoder's files are in IndexedDB without building it (no tfjs work): the app
   * calls it in the background on a first visit so the built-in encoder is there when the network
   * is gone. Cheap when they are already stored (presence only; load() verifies the hashes).
   */
  async prefetch(id: EncoderId): Promise<{ downloaded: boolean }> {
    if (await this.loaded.get(id)?.catch(() => null)) return { downloaded: false };
    const spec = encoderSpec(id);
    const inFlight = this.downloading.get(id);
    if (inFlight) {
      await inFlight;
      return { downloaded: true };
    }
    // Paths and the small model.json only: reading 28 MB of weights at every start would delay
    // the requests the page makes first.
    const revision = revisionOf(spec);
    const paths = new Set(await getEncoderFilePaths(id, revision));
    const model = spec.kind === 'use-lite' && paths.has('model.json') ? await getEncoderFile(id, revision, 'model.json') : undefined;
    const complete =
      spec.kind === 'use-lite' ? !!model && paths.has('vocab.json') && shardPaths(json(model.bytes)).every((p) => paths.has(p)) : bertFilesComplete(paths);
    if (complete) return { downloaded: false };
    await this.downloadOnce(id, spec, false);
    return { downloaded: true };
  }


  /** Caches an encoder's files and keeps the instance already built from them (imports). */
  async adopt(id: EncoderId, encoder: TextEncoder, records: EncoderFileRecord[]): Promise<LoadedEncoder> {
    if (this.loaded.has(id)) {
      encoder.dispose();
      return this.get(id);
    }
    try {
      await putEncoderFiles(records);
    } catch (err) {
      encoder.dispose();
      throw err;
    }
    const loaded = { encoder: this.parallelised(id, revisionOf(encoderSpec(id)), encoder), files: records, info: this.info(id, encoder, records, false) };
    this.loaded.set(id, Promise.resolve(loaded));
    this.onLoaded(loaded.info);
    return loaded;
  }

  /**
   * Drops every encoder from memory, keeping their files: they reload on next use, on the
   * backend running then (the auto backend switches backends between measurements).
   */
  async unloadAll(): Promise<void> {
    for (const id of [...this.loaded.keys()]) {
      await this.use(id, null, async ({ encoder }) => {
        this.loaded.delete(id);
        encoder.dispose();
      }).catch(() => this.loaded.delete(id)); // a failed load holds nothing
    }
  }

  /**
   * Drops an encoder from memory and from the cache (a Hub model downloads again on next use).
   * An imported model's encoder exists nowhere else: only dropped with its last run (removeImported).
   */
  async forget(id: EncoderId, removeImported = false): Promise<void> {
    const spec = encoderSpec(id);
    if (spec.kind === 'import' && !removeImported) throw new EngineError('BAD_ARGUMENT', `the encoder "${id}" belongs to an imported model; delete that model instead`);
    this.cancel(id);
    // Let a download in flight settle first, so nothing is stored after the files are deleted.
    await this.downloading.get(id)?.catch(() => null);
    const p = this.loaded.get(id);
    // A load that fails (or was just cancelled) has nothing to dispose.
    if (p && (await p.catch(() => null))) {
      // Through use(): waits for running uses, and refuses (BUSY) while a fine-tuning run holds it.
      await this.use(id, null, async ({ encoder }) => {
        this.loaded.delete(id);
        encoder.dispose();
      });
    }
    await deleteEncoderFiles(id, revisionOf(spec));
  }

  /** Until the returned function is called, a foreground download of `id` reports to `onProgress` (instead of onDownload). */
  watchDownload(id: EncoderId, onProgress: (p: DownloadProgress) => void): () => void {
    let watchers = this.downloadWatchers.get(id);
    if (!watchers) this.downloadWatchers.set(id, (watchers = new Set()));
    watchers.add(onProgress);
    return () => {
      watchers.delete(onProgress);
      if (watchers.size === 0 && this.downloadWatchers.get(id) === watchers) this.downloadWatchers.delete(id);
    };
  }

  /** Ends a Hub download in progress; the load fails with CANCELLED and nothing is stored. */
  cancel(id: EncoderId): boolean {
    const c = this.downloads.get(id);
    c?.abort();
    return c !== undefined;
  }

  /** In memory or complete in the cache: using it downloads nothing. */
  async present(id: EncoderId): Promise<boolean> {
    if (this.loaded.has(id)) return true;
    const spec = encoderSpec(id);
    const records = await getEncoderFiles(id, revisionOf(spec));
    const paths = new Set(records.map((r) => r.path));
    return spec.kind === 'use-lite' ? records.length > 0 : bertFilesComplete(paths);
  }

  /**
   * The encoder with the weights a caller needs: pristine (overlay null) or a fine-tuned run's.
   * Every tfjs use of an encoder goes through here; see encoder-weights.ts.
   */
  async use<T>(
    id: EncoderId,
    overlay: EncoderOverlay | null,
    fn: (loaded: LoadedEncoder) => Promise<T>,
    tuning?: { names: string[]; what: string },
  ): Promise<T> {
    const loaded = await this.get(id);
    let state = this.states.get(loaded);
    if (!state) {
      state = new EncoderWeightState(loaded.encoder, loaded.info.weightsHash);
      this.states.set(loaded, state);
    }
    return state.use(overlay, () => fn(loaded), tuning);
  }

  private info(id: EncoderId, encoder: TextEncoder, records: EncoderFileRecord[], fromCache: boolean): EncoderInfo {
    const spec = encoderSpec(id);
    return {
      id,
      revision: revisionOf(spec),
      weightsHash: encoder.weightsHash,
      dim: encoder.dim,
      maxSeqLength: encoder.maxSeqLength,
      numLayers: encoder.numLayers,
      fromCache,
      bytes: totalBytes(records),
      license: licenseOf(spec),
      tokenizer: encoder.tokenizerName,
    };
  }

  private async load(id: EncoderId): Promise<LoadedEncoder> {
    const spec = encoderSpec(id);
    const revision = revisionOf(spec);
    let fromCache = true;
    let records = await this.verifiedCache(id, spec, revision);
    if (!records) {
      fromCache = false;
      records = await this.downloadOnce(id, spec, true);
    }
    const encoder = this.parallelised(id, revision, await buildEncoder(id, records));
    return { encoder, files: records, info: this.info(id, encoder, records, fromCache) };
  }

  /** The cached files if they are complete and every hash still matches; otherwise drops them. */
  private async verifiedCache(id: EncoderId, spec: EncoderSpec, revision: string): Promise<EncoderFileRecord[] | null> {
    const records = await getEncoderFiles(id, revision);
    if (records.length === 0) return null;
    const byPath = new Map(records.map((r) => [r.path, r]));
    try {
      const complete = spec.kind === 'use-lite' ? useLiteComplete(byPath) : bertFilesComplete(new Set(byPath.keys()));
      if (!complete) throw new Error('incomplete');
      for (const r of records) if ((await sha256Hex(r.bytes)) !== r.sha256) throw new Error('corrupt');
      return records;
    } catch {
      // An imported model's files exist nowhere else: keep them for a later look, say what broke.
      if (spec.kind === 'import') throw new EngineError('ENCODER_UNAVAILABLE', `the stored files of the imported encoder "${id}" are incomplete or damaged; import the model again`);
      await deleteEncoderFiles(id, revision);
      return null;
    }
  }

  /** One download per encoder at a time; a caller in the foreground turns its progress on. */
  private downloadOnce(id: EncoderId, spec: EncoderSpec, foreground: boolean): Promise<EncoderFileRecord[]> {
    if (foreground) this.foreground.add(id);
    let p = this.downloading.get(id);
    if (!p) {
      const onProgress = (progress: DownloadProgress) => {
        if (!this.foreground.has(id)) return;
        const watchers = this.downloadWatchers.get(id);
        if (watchers?.size) for (const w of watchers) w(progress);
        else this.onDownload(progress);
      };
      p = this.download(id, spec, onProgress).finally(() => {
        this.downloading.delete(id);
        this.foreground.delete(id);
      });
      this.downloading.set(id, p);
    }
    return p;
  }

  private async download(id: EncoderId, spec: EncoderSpec, onProgress: (p: DownloadProgress) => void): Promise<EncoderFileRecord[]> {
    if (spec.kind !== 'import' && offline()) throw offlineError(id, spec);
    try {
      return await this.downloadAndStore(id, spec, onProgress);
    } catch (err) {
      // The connection went away during the download: say so rather than name a failed URL.
      if (spec.kind !== 'import' && offline()) throw offlineError(id, spec);
      throw err;
    }
  }

  private async downloadAndStore(id: EncoderId, spec: EncoderSpec, onProgress: (p: DownloadProgress) => void): Promise<EncoderFileRecord[]> {
    switch (spec.kind) {
      case 'use-lite':
        return this.downloadUseLite(id, onProgress);
      case 'hub': {
        const controller = new AbortController();
        this.downloads.set(id, controller);
        try {
          const records = await downloadHubModel(spec.ref, { baseUrl: this.hubBaseUrl, onProgress, signal: controller.signal });
          // Files are stored only once all of them arrived and checked, in one transaction: a cancelled
          // or failed download leaves nothing behind.
          if (controller.signal.aborted) throw new EngineError('CANCELLED', `the download of ${spec.ref.repo} was cancelled; nothing was stored`);
          await putEncoderFiles(records);
          return records;
        } finally {
          if (this.downloads.get(id) === controller) this.downloads.delete(id);
        }
      }
      case 'import':
        throw new EngineError('ENCODER_UNAVAILABLE', `the encoder "${id}" of an imported model is no longer in this browser's storage; import the model again`);
      default:
        return assertNever(spec, 'encoder kind');
    }
  }

  private async downloadUseLite(id: EncoderId, onProgress: (p: DownloadProgress) => void): Promise<EncoderFileRecord[]> {
    const baseUrl = appUrl('models/use-lite/');
    const [model] = await downloadFiles([`${baseUrl}model.json`]);
    const paths = ['vocab.json', ...shardPaths(json(model!.bytes))];
    const files = await downloadFiles(
      paths.map((p) => baseUrl + p),
      { onProgress, expectedBytes: manifestBytes(json(model!.bytes)) },
    );
    const now = Date.now();
    const encoder = encoderKey(id, USE_LITE_REVISION);
    const records: EncoderFileRecord[] = [model!, ...files].map((f, i) => {
      const path = i === 0 ? 'model.json' : paths[i - 1]!;
      return { key: `${encoder}/${path}`, encoder, path, sha256: f.sha256, bytes: f.bytes, storedAt: now };
    });
    await putEncoderFiles(records);
    return records;
  }
}
