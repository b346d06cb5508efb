// The contract every text encoder in src/core satisfies. Types only.
import type * as tf from '@tensorflow/tfjs-core';

/** Raw files of an encoder, as fetched from the app's origin (or a hub) and cached in IndexedDB. */
export interface EncoderFiles {
  /** Parsed model.json (tfjs graph-model topology + weightsManifest). */
  modelJson: unknown;
  /** Parsed vocab.json: [piece, score][] for SentencePiece. */
  vocab: unknown;
  /** The weight shards, in the order of weightsManifest paths. */
  shards: ArrayBuffer[];
}

export interface EncodeOptions {
  batchSize?: number;
  /** Overrides the encoder's own long-text policy for this call. */
  longText?: LongTextOptions;
  /** Called after every batch with the number of texts embedded so far. */
  onProgress?: (done: number, total: number) => void;
  /**
   * May be spread over parallel workers (the app's WASM embedding pool, worker/embed-pool.ts):
   * for bulk work (a dataset, a batch file), not for a latency-bound single text. Ignored by the
   * encoders themselves.
   */
  parallel?: boolean;
  /**
   * Latency-bound (a text as the user types): the embedding cache keeps to memory (no IndexedDB
   * round trip for a text typed once).
   */
  latency?: boolean;
  /** Through forward() (tfjs), bypassing an encoder's own kernel: the reference for benchmarks and checks. */
  reference?: boolean;
}

/** How texts longer than maxSeqLength tokens are handled. */
export type LongTextPolicy = 'truncate' | 'chunk';

/**
 * 'chunk': windows of maxSeqLength tokens (at most maxWindows; the rest of a very long text is
 * dropped), each embedded, the embeddings averaged and re-normalised. Consecutive windows share
 * `overlap` of their length (default 0: back to back).
 */
export interface LongTextOptions {
  policy: LongTextPolicy;
  maxWindows: number;
  /** Fraction of a window shared with the previous one, 0 … 0.75 (chunkTokens). */
  overlap?: number;
}

/** Read texts whole, up to 16 windows (2,048 USE-lite tokens, ~8,000 words for BERT's 512). */
export const DEFAULT_LONG_TEXT: Readonly<LongTextOptions> = Object.freeze({ policy: 'chunk', maxWindows: 16 });

export interface TextEncoder {
  /** Stable id of the architecture + weights, e.g. "use-lite". */
  readonly id: string;
  /**
   * Hex digest of the weights it holds: set on load, by rehash(), and by whoever swaps weights in
   * and knows their hash (worker/encoder-weights.ts: pristine, or a run's tunedWeightsHash).
   */
  weightsHash: string;
  /** Embedding width. */
  readonly dim: number;
  readonly maxSeqLength: number;
  /** Number of transformer layers (for "unfreeze top K"). */
  readonly numLayers: number;
  /** The tokenizer in words, e.g. "wordpiece (30522 tokens, lowercased)": exports name it. */
  readonly tokenizerName: string;
  /** Token ids of one text as the encoder consumes it (special tokens included), cut to maxSeqLength. */
  encodeIds(text: string): number[];
  /** Embeds texts; resolves to a row-major [texts.length, dim] array. Leaks no tensors. */
  embedTexts(texts: string[], options?: EncodeOptions): Promise<Float32Array>;
  /**
   * The share (0–1) of the text's tokens that the vocabulary does not know (special tokens left
   * out): a high share (an English-only encoder reading Japanese or emoji) means the embedding says
   * little about the text. Absent: not known.
   */
  unknownShare?(text: string): number;
  /** Which path embedTexts takes now, e.g. 'relaxed-simd' (an encoder's own kernel); absent or 'tfjs': forward(). */
  embedPath?(): Promise<string>;
  /** Differentiable forward pass on padded ids [batch, seq] and mask [batch, seq] (1 = token). */
  forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D;
  /** The variables of the top `k` layers (k = numLayers: every encoder variable). */
  trainableVariables(k: number): tf.Variable[];
  /** Every weight under its name in the encoder's own files (export, checkpoints, overlays). */
  namedWeights(): { name: string; tensor: tf.Tensor }[];
  /** Overwrites weights by file name, sizes asserted (fine-tuned layers from a checkpoint or a bundle). */
  assignWeights(weights: { name: string; data: Float32Array }[]): void;
  /** Recomputes (and returns) weightsHash from the current values. */
  rehash(): Promise<string>;
  dispose(): void;
}
