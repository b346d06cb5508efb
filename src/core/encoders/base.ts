// What every encoder shares, whatever its architecture: its parameters by file name (read, write,
// hash, dispose) and the batching that turns texts into windows, windows into padded batches and
// the windows' embeddings back into one per text. Subclasses bring the architecture (forward),
// the tokenizer (windowIds) and how windows pool (poolWindows).
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors';
import { padBatch } from '../tokenizers/batch';
import { assignNamedParams, hashNamedParams, type NamedParam } from './params';
import type { EncodeOptions, LongTextOptions, TextEncoder } from './types';

export abstract class EncoderBase implements TextEncoder {
  abstract readonly id: string;
  abstract readonly dim: number;
  abstract readonly maxSeqLength: number;
  abstract readonly numLayers: number;
  abstract readonly tokenizerName: string;
  weightsHash = '';
  /** Every weight, in file order: what namedWeights, assignWeights, rehash and dispose see. */
  protected readonly params: NamedParam[] = [];

  abstract encodeIds(text: string): number[];
  abstract forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D;
  abstract trainableVariables(k: number): tf.Variable[];
  /** Token ids of each text's windows (one window per text unless `longText` chunks) and which text each belongs to. */
  protected abstract windowIds(texts: string[], longText: LongTextOptions | undefined): { windows: number[][]; owner: Int32Array };
  /** Turns per-text sums of window embeddings (counts: windows per text) into the texts' embeddings, in place. */
  protected abstract poolWindows(sums: Float32Array, counts: Int32Array, longText: LongTextOptions | undefined): void;

  /** A variable holding a weight, registered under its file name. */
  protected addParam(name: string, data: Float32Array | Int32Array, shape: number[], extra: Pick<NamedParam, 'transposed'> = {}): tf.Variable {
    const initial = tf.tensor(data, shape, 'float32');
    const variable = tf.variable(initial, false, `${this.id}/${this.params.length}/${Math.random().toString(36).slice(2)}`);
    initial.dispose();
    this.params.push({ ...extra, name, variable });
    return variable;
  }

  /** options.batchSize (default 32), checked. */
  protected batchSizeOf(options: EncodeOptions): number {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(`batchSize must be a positive integer; received ${batchSize}`);
    return batchSize;
  }

  async embedTexts(texts: string[], options: EncodeOptions = {}): Promise<Float32Array> {
    const batchSize = this.batchSizeOf(options);
    const { windows, owner } = this.windowIds(texts, options.longText);
    // Longest first, so each batch pads to a similar length and the first batch shows the worst case.
    const order = Array.from(windows.keys()).sort((a, b) => windows[b]!.length - windows[a]!.length);
    const out = new Float32Array(texts.length * this.dim);
    const pieces = new Int32Array(texts.length);
    const finished = new Set<number>();
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      const padded = padBatch(rows.map((r) => windows[r]!), this.maxSeqLength);
      const ids = tf.tensor2d(padded.ids, [padded.batch, padded.seqLength], 'int32');
      const mask = tf.tensor2d(padded.mask, [padded.batch, padded.seqLength], 'float32');
      let embedded: tf.Tensor2D | null = null;
      try {
        embedded = this.forward(ids, mask);
        const data = (await embedded.data()) as Float32Array;
        rows.forEach((r, j) => {
          const text = owner[r]!;
          pieces[text]!++;
          for (let d = 0; d < this.dim; d++) out[text * this.dim + d]! += data[j * this.dim + d]!;
          finished.add(text);
        });
      } finally {
        tf.dispose([ids, mask]);
        embedded?.dispose();
      }
      options.onProgress?.(finished.size, texts.length);
    }
    this.poolWindows(out, pieces, options.longText);
    return out;
  }

  /** Every weight under its name in the encoder's own files, in its own layout (for export and re-import). */
  namedWeights(): { name: string; tensor: tf.Tensor }[] {
    return this.params.map((p) => ({ name: p.name, tensor: p.variable }));
  }

  /** Overwrites weights by file name (sizes asserted), e.g. fine-tuned layers from a bundle. */
  assignWeights(weights: { name: string; data: Float32Array }[]): void {
    assignNamedParams(this.params, weights);
  }

  /** Recomputes weightsHash from the current variable values (after fine-tuning). */
  async rehash(): Promise<string> {
    this.weightsHash = await hashNamedParams(this.params);
    return this.weightsHash;
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
    this.params.length = 0;
  }
}

/**
 * Per-text sums of window embeddings → the texts' embeddings: each sum divided by its window
 * count, then (normalize) re-normalised to unit length. A text read in one window is left as is.
 */
export function meanOfWindows(sums: Float32Array, counts: Int32Array, dim: number, normalize: boolean): void {
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! <= 1) continue;
    let sq = 0;
    for (let d = 0; d < dim; d++) {
      sums[i * dim + d]! /= counts[i]!;
      sq += sums[i * dim + d]! ** 2;
    }
    if (!normalize) continue;
    const inv = 1 / Math.sqrt(Math.max(sq, 1e-24));
    for (let d = 0; d < dim; d++) sums[i * dim + d]! *= inv;
  }
}
