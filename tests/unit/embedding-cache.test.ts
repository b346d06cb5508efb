import { describe, expect, it } from 'vitest';
import { cacheKey, EmbeddingCache, type EmbeddingStore } from '../../src/core/encoders/embedding-cache';
import type { EncodeOptions, TextEncoder } from '../../src/core/encoders/types';
import { EncoderStore } from '../../src/worker/encoders';

/** A fake encoder for speed (unit tests may use fakes): deterministic vectors, counts what it embeds. */
function fakeEncoder(hash = 'h1'): TextEncoder & { embedded: string[] } {
  const embedded: string[] = [];
  return {
    id: 'fake', weightsHash: hash, dim: 3, maxSeqLength: 8, numLayers: 1, tokenizerName: 'chars', embedded,
    encodeIds: (t: string) => Array.from(t, (c) => c.charCodeAt(0)),
    async embedTexts(texts: string[], options?: EncodeOptions) {
      embedded.push(...texts);
      options?.onProgress?.(texts.length, texts.length);
      return Float32Array.from(texts.flatMap((t) => [t.length, t.charCodeAt(0) || 0, hash.length]));
    },
    forward: () => { throw new Error('not used'); },
    trainableVariables: () => [],
    namedWeights: () => [],
    assignWeights: () => undefined,
    rehash: async () => hash,
    dispose: () => undefined,
  };
}

class MapStore implements EmbeddingStore {
  readonly data = new Map<string, Float32Array>();
  async getMany(keys: string[]) { return keys.map((k) => this.data.get(k)); }
  async putMany(entries: [string, Float32Array][]) { for (const [k, v] of entries) this.data.set(k, v); }
}

describe('EmbeddingCache', () => {
  it('embeds each distinct text once per encoder weights, in the caller\'s order', async () => {
    const enc = fakeEncoder();
    const cache = new EmbeddingCache();
    const a = await cache.embed(enc, ['ab', 'c', 'ab']);
    expect(enc.embedded).toEqual(['ab', 'c']);
    expect(Array.from(a)).toEqual([2, 97, 2, 1, 99, 2, 2, 97, 2]);
    await cache.embed(enc, ['c', 'ab', 'new']);
    expect(enc.embedded).toEqual(['ab', 'c', 'new']);
    expect(cache.hits).toBe(3);
    expect(cache.misses).toBe(3);
  });

  it('keys by encoder weights hash and NFKC-normalised text', async () => {
    expect(cacheKey({ id: 'e', weightsHash: 'x' }, 'ﬁ')).toBe(cacheKey({ id: 'e', weightsHash: 'x' }, 'fi'));
    expect(cacheKey({ id: 'e', weightsHash: 'x' }, 'a')).not.toBe(cacheKey({ id: 'e', weightsHash: 'y' }, 'a'));
    const cache = new EmbeddingCache();
    const before = fakeEncoder('h1');
    await cache.embed(before, ['a']);
    const fineTuned = fakeEncoder('h2-after-fine-tuning');
    await cache.embed(fineTuned, ['a']);
    expect(fineTuned.embedded).toEqual(['a']);
  });

  it('keys by the long-text reading too: more or overlapping windows embed a long text differently', async () => {
    const e = { id: 'e', weightsHash: 'x' };
    const chunk16 = cacheKey(e, 'a', { policy: 'chunk', maxWindows: 16 });
    expect(cacheKey(e, 'a', { policy: 'chunk', maxWindows: 16, overlap: 0 })).toBe(chunk16);
    expect(cacheKey(e, 'a', { policy: 'chunk', maxWindows: 4 })).not.toBe(chunk16);
    expect(cacheKey(e, 'a', { policy: 'chunk', maxWindows: 16, overlap: 0.5 })).not.toBe(chunk16);
    expect(cacheKey(e, 'a', { policy: 'truncate', maxWindows: 1 })).not.toBe(chunk16);
    const cache = new EmbeddingCache();
    const enc = fakeEncoder();
    await cache.embed(enc, ['a'], { longText: { policy: 'chunk', maxWindows: 16 } });
    await cache.embed(enc, ['a'], { longText: { policy: 'chunk', maxWindows: 16 } });
    await cache.embed(enc, ['a'], { longText: { policy: 'truncate', maxWindows: 1 } });
    expect(enc.embedded).toEqual(['a', 'a']);
  });

  it('embeds a call larger than the cache directly, keeping what it holds', async () => {
    const cache = new EmbeddingCache(null, 3);
    const enc = fakeEncoder();
    await cache.embed(enc, ['a']);
    await cache.embed(enc, ['a', 'b', 'c', 'd']);
    expect(enc.embedded).toEqual(['a', 'a', 'b', 'c', 'd']);
    await cache.embed(enc, ['a']);
    expect(enc.embedded.length).toBe(5);
  });

  it('is wired into the worker: one cache per engine, used by training and prediction', () => {
    expect(new EncoderStore(() => undefined, () => undefined).embeddings).toBeInstanceOf(EmbeddingCache);
  });

  it('reads through to and writes to a persistent store (a new cache, as after a reload)', async () => {
    const store = new MapStore();
    await new EmbeddingCache(store).embed(fakeEncoder(), ['x', 'y']);
    expect(store.data.size).toBe(2);
    const enc = fakeEncoder();
    const out = await new EmbeddingCache(store).embed(enc, ['y', 'x', 'z']);
    expect(enc.embedded).toEqual(['z']);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 121, 2]);
  });

  it('a latency call (a typed text) keeps to memory: the store is neither read nor written', async () => {
    const store = new MapStore();
    const reads: string[][] = [];
    const counted: EmbeddingStore = { getMany: async (k) => (reads.push(k), store.getMany(k)), putMany: (e) => store.putMany(e) };
    const cache = new EmbeddingCache(counted);
    await cache.embed(fakeEncoder(), ['typed'], { latency: true });
    expect(reads).toEqual([]);
    expect(store.data.size).toBe(0);
    // ... but memory serves it again, and a bulk call still uses the store.
    const enc = fakeEncoder();
    await cache.embed(enc, ['typed'], { latency: true });
    expect(enc.embedded).toEqual([]);
    await cache.embed(enc, ['bulk']);
    expect(reads).toEqual([[cacheKey(enc, 'bulk')]]);
    expect(store.data.size).toBe(1);
  });

  it('bounds its memory', async () => {
    const enc = fakeEncoder();
    const cache = new EmbeddingCache(null, 2);
    await cache.embed(enc, ['a', 'b', 'c']);
    await cache.embed(enc, ['a']);
    expect(enc.embedded).toEqual(['a', 'b', 'c', 'a']);
  });
});
