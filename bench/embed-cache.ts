// Embeddings for the benchmarks, cached on disk (bench/out/embeddings/, gitignored) in blocks of
// 200 texts keyed by encoder weights hash + long-text policy + the block's texts: the learning
// curves and few-shot draws reuse one embedding pass, and an interrupted pass resumes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LongTextOptions, TextEncoder } from '../src/core/encoders/types';

const DIR = join(import.meta.dirname, 'out', 'embeddings');
const BLOCK = 200;

export async function cachedEmbeddings(
  encoder: TextEncoder,
  texts: string[],
  longText: LongTextOptions,
  log: (msg: string) => void = () => undefined,
): Promise<Float32Array> {
  mkdirSync(DIR, { recursive: true });
  const dim = encoder.dim;
  const out = new Float32Array(texts.length * dim);
  const t0 = Date.now();
  for (let start = 0; start < texts.length; start += BLOCK) {
    const block = texts.slice(start, start + BLOCK);
    const h = createHash('sha256').update(JSON.stringify([encoder.weightsHash, encoder.maxSeqLength, longText, block])).digest('hex').slice(0, 32);
    const file = join(DIR, `${h}.f32`);
    let vectors: Float32Array;
    if (existsSync(file)) {
      const b = readFileSync(file);
      vectors = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    } else {
      vectors = await encoder.embedTexts(block, { longText, batchSize: 32 });
      writeFileSync(file, Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength));
      log(`  embedded ${Math.min(start + BLOCK, texts.length)}/${texts.length} (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    if (vectors.length !== block.length * dim) throw new Error(`embedding cache block ${file} has the wrong size`);
    out.set(vectors, start * dim);
  }
  return out;
}
