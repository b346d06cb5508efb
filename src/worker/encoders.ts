// Encoder files: fetched once from the app's own origin with progress, verified by
// SHA-256, cached in IndexedDB by id + revision, then loaded by the core encoder.
import type { EncoderFiles, TextEncoder } from '../core/encoders/types';
import { loadUseLite } from '../core/encoders/use-lite';
import { downloadFiles, sha256Hex, type DownloadProgress } from '../core/hub/download';
import { deleteEncoderFiles, encoderKey, getEncoderFiles, putEncoderFiles } from '../storage/encoder-files';
import type { EncoderFileRecord } from '../storage/db';
import type { EncoderId, EncoderInfo } from './protocol';
import { EngineError, assertNever } from './errors';

interface EncoderSource {
  /** Bump when the served files change, so caches of the old files are not mixed in. */
  revision: string;
  baseUrl: string;
  load(files: EncoderFiles): Promise<TextEncoder>;
}

function appUrl(path: string): string {
  return new URL(`${import.meta.env.BASE_URL}${path}`, self.location.origin).href;
}

function source(id: EncoderId): EncoderSource {
  switch (id) {
    case 'use-lite':
      return { revision: 'energetic-ai-0.2.0', baseUrl: appUrl('models/use-lite/'), load: (files) => loadUseLite(files) };
    default:
      return assertNever(id, 'encoder id');
  }
}

function manifestPaths(modelJson: unknown): string[] {
  const manifest = (modelJson as { weightsManifest?: { paths?: unknown }[] }).weightsManifest;
  if (!Array.isArray(manifest)) throw new EngineError('ENCODER_UNAVAILABLE', 'model.json has no weightsManifest');
  return manifest.flatMap((group) => (Array.isArray(group.paths) ? group.paths.map(String) : []));
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

const decoder = new TextDecoder();
const json = (bytes: ArrayBuffer): unknown => JSON.parse(decoder.decode(bytes));

export interface LoadedEncoder {
  encoder: TextEncoder;
  info: EncoderInfo;
}

export class EncoderStore {
  private readonly loaded = new Map<EncoderId, Promise<LoadedEncoder>>();

  constructor(
    private readonly onDownload: (p: DownloadProgress) => void,
    private readonly onLoaded: (info: EncoderInfo) => void,
  ) {}

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

  private async load(id: EncoderId): Promise<LoadedEncoder> {
    const src = source(id);
    let fromCache = true;
    let records = await this.verifiedCache(id, src.revision);
    if (!records) {
      fromCache = false;
      records = await this.download(id, src);
    }
    const byPath = new Map(records.map((r) => [r.path, r]));
    const modelJson = json(byPath.get('model.json')!.bytes);
    const vocab = json(byPath.get('vocab.json')!.bytes);
    const shards = manifestPaths(modelJson).map((p) => byPath.get(p)!.bytes);
    const encoder = await src.load({ modelJson, vocab, shards });
    const bytes = records.reduce((s, r) => s + r.bytes.byteLength, 0);
    return {
      encoder,
      info: {
        id,
        revision: src.revision,
        weightsHash: encoder.weightsHash,
        dim: encoder.dim,
        maxSeqLength: encoder.maxSeqLength,
        numLayers: encoder.numLayers,
        fromCache,
        bytes,
      },
    };
  }

  /** The cached files if they are complete and every hash still matches; otherwise drops them. */
  private async verifiedCache(id: EncoderId, revision: string): Promise<EncoderFileRecord[] | null> {
    const records = await getEncoderFiles(id, revision);
    if (records.length === 0) return null;
    const byPath = new Map(records.map((r) => [r.path, r]));
    try {
      const model = byPath.get('model.json');
      if (!model || !byPath.has('vocab.json')) throw new Error('incomplete');
      for (const p of manifestPaths(json(model.bytes))) if (!byPath.has(p)) throw new Error('incomplete');
      for (const r of records) if ((await sha256Hex(r.bytes)) !== r.sha256) throw new Error('corrupt');
      return records;
    } catch {
      await deleteEncoderFiles(id, revision);
      return null;
    }
  }

  private async download(id: EncoderId, src: EncoderSource): Promise<EncoderFileRecord[]> {
    const [model] = await downloadFiles([`${src.baseUrl}model.json`]);
    const paths = ['vocab.json', ...manifestPaths(json(model!.bytes))];
    const files = await downloadFiles(
      paths.map((p) => src.baseUrl + p),
      { onProgress: this.onDownload, expectedBytes: manifestBytes(json(model!.bytes)) },
    );
    const now = Date.now();
    const encoder = encoderKey(id, src.revision);
    const records: EncoderFileRecord[] = [model!, ...files].map((f, i) => {
      const path = i === 0 ? 'model.json' : paths[i - 1]!;
      return { key: `${encoder}/${path}`, encoder, path, sha256: f.sha256, bytes: f.bytes, storedAt: now };
    });
    await putEncoderFiles(records);
    return records;
  }
}
