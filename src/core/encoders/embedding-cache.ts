// Embeddings keyed by (encoder id + weights hash, long-text reading, normalised text): a text is
// embedded once per set of encoder weights, whatever dataset or run it appears in. The worker
// keeps one in memory (worker/encoders.ts) for training, batch prediction and the playground. An optional store persists them
// (the app backs it with IndexedDB); a bounded in-memory map sits in front of it.
import type { EncodeOptions, LongTextOptions, TextEncoder } from './types';

/** Persistence behind the cache (e.g. an IndexedDB object store). */
export interface EmbeddingStore {
  getMany(keys: string[]): Promise<(Float32Array | undefined)[]>;
  putMany(entries: [string, Float32Array][]): Promise<void>;
}

/** NFKC only: every encoder here normalises with NFKC (or less) first, so equal keys embed equally. */
export function cacheKey(encoder: Pick<TextEncoder, 'id' | 'weightsHash'>, text: string, longText?: LongTextOptions): string {
  // A long text read in more windows (or overlapping ones) embeds differently: the reading is part of the key.
  const reading = longText ? `${longText.policy}:${longText.maxWindows}:${longText.overlap ?? 0}` : 'default';
  return `${encoder.id}|${encoder.weightsHash}|${reading}|${text.normalize('NFKC')}`;
}

export class EmbeddingCache {
  private readonly memory = new Map<string, Float32Array>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: EmbeddingStore | null = null,
    private readonly maxMemoryEntries = 20_000,
  ) {}

  /** Embeds `texts` ([n, dim] row-major), computing only what neither memory nor the store holds. */
  async embed(encoder: TextEncoder, texts: string[], options: EncodeOptions = {}): Promise<Float32Array> {
    // More texts than the cache holds (a whole large dataset): caching them would evict everything
    // else and hold a second copy of every vector, so they are embedded directly.
    if (texts.length > this.maxMemoryEntries) return encoder.embedTexts(texts, options);
    const keys = texts.map((t) => cacheKey(encoder, t, options.longText));
    // A latency call (a text as it is typed) keeps to memory: a store lookup and write (IndexedDB,
    // ~1.5 ms measured in the playground) would cost more than they could save on texts typed once.
    const store = options.latency ? null : this.store;
    const found = new Map<string, Float32Array>();
    const notInMemory = [...new Set(keys.filter((k) => !this.memory.has(k)))];
    for (const k of keys) if (this.memory.has(k)) found.set(k, this.memory.get(k)!);
    if (store && notInMemory.length > 0) {
      const stored = await store.getMany(notInMemory);
      notInMemory.forEach((k, i) => {
        const v = stored[i];
        if (v && v.length === encoder.dim) found.set(k, v);
      });
    }
    // Each distinct missing text is embedded once, even if it repeats in `texts`.
    const missingKeys = [...new Set(keys.filter((k) => !found.has(k)))];
    const firstText = new Map<string, string>();
    keys.forEach((k, i) => firstText.has(k) || firstText.set(k, texts[i]));
    if (missingKeys.length > 0) {
      const fresh = await encoder.embedTexts(missingKeys.map((k) => firstText.get(k)!), options);
      const entries: [string, Float32Array][] = missingKeys.map((k, i) => [k, fresh.slice(i * encoder.dim, (i + 1) * encoder.dim)]);
      for (const [k, v] of entries) found.set(k, v);
      if (store) await store.putMany(entries);
    } else {
      options.onProgress?.(texts.length, texts.length);
    }
    this.hits += texts.length - missingKeys.length;
    this.misses += missingKeys.length;
    const out = new Float32Array(texts.length * encoder.dim);
    keys.forEach((k, i) => {
      const v = found.get(k)!;
      out.set(v, i * encoder.dim);
      this.remember(k, v);
    });
    return out;
  }

  private remember(key: string, value: Float32Array): void {
    if (this.memory.has(key)) this.memory.delete(key); // re-insert: most recently used last
    this.memory.set(key, value);
    while (this.memory.size > this.maxMemoryEntries) this.memory.delete(this.memory.keys().next().value as string);
  }
}
