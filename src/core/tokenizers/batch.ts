// Padding a list of token-id sequences into the dense [batch, seq] arrays the encoders take.
import { ArgumentError } from '../errors';

export interface PaddedBatch {
  /** Row-major [batch, seqLength] token ids; padding is 0. */
  ids: Int32Array;
  /** Row-major [batch, seqLength]; 1 for a real token, 0 for padding. */
  mask: Float32Array;
  batch: number;
  seqLength: number;
  /** Real (unpadded) length of each row. */
  lengths: Int32Array;
}

/**
 * Pads sequences to the longest one (at least `minLength`), truncating each to `maxLength` tokens.
 * Rows are left-aligned: token t of a row sits at position t, which the timing signal relies on.
 */
export function padBatch(sequences: ReadonlyArray<ArrayLike<number>>, maxLength: number, minLength = 1): PaddedBatch {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new ArgumentError(`maxLength must be a positive integer; received ${maxLength}`);
  }
  const batch = sequences.length;
  const lengths = new Int32Array(batch);
  let seqLength = Math.min(Math.max(1, minLength), maxLength);
  for (let i = 0; i < batch; i++) {
    lengths[i] = Math.min(sequences[i].length, maxLength);
    if (lengths[i] > seqLength) seqLength = lengths[i];
  }
  const ids = new Int32Array(batch * seqLength);
  const mask = new Float32Array(batch * seqLength);
  for (let i = 0; i < batch; i++) {
    const row = sequences[i];
    const offset = i * seqLength;
    for (let t = 0; t < lengths[i]; t++) {
      ids[offset + t] = row[t];
      mask[offset + t] = 1;
    }
  }
  return { ids, mask, batch, seqLength, lengths };
}

/**
 * Splits a token sequence into windows of at most `maxLength` tokens (the 'chunk' policy for long
 * texts), at most `maxWindows` of them (the rest of a very long text is dropped). Consecutive
 * windows share `overlap` of their length (0 = back to back; 0.5 = each starts half a window after
 * the previous one), so a sentence cut by one window boundary is read whole by the next window.
 * The last window stops at the end of the text. An empty sequence yields one empty window.
 */
export function chunkTokens(ids: ReadonlyArray<number>, maxLength: number, maxWindows = Infinity, overlap = 0): number[][] {
  if (!(maxWindows >= 1)) throw new ArgumentError(`maxWindows must be at least 1; received ${maxWindows}`);
  if (!(overlap >= 0 && overlap <= MAX_WINDOW_OVERLAP)) throw new ArgumentError(`overlap must be in [0, ${MAX_WINDOW_OVERLAP}]; received ${overlap}`);
  if (ids.length <= maxLength) return [Array.from(ids)];
  const stride = Math.max(1, Math.round(maxLength * (1 - overlap)));
  const chunks: number[][] = [];
  for (let start = 0; chunks.length < maxWindows; start += stride) {
    chunks.push(ids.slice(start, start + maxLength));
    if (start + maxLength >= ids.length) break;
  }
  return chunks;
}

/** Windows may share at most this fraction of their length (more is the same text read again). */
export const MAX_WINDOW_OVERLAP = 0.75;

/** How many tokens `maxWindows` windows of `windowLength` with this overlap cover (the tokens worth tokenizing). */
export function windowSpan(windowLength: number, longText: { maxWindows: number; overlap?: number }): number {
  const stride = Math.max(1, Math.round(windowLength * (1 - (longText.overlap ?? 0))));
  const windows = Math.min(longText.maxWindows, 1 << 16);
  return Math.min(windowLength + stride * (windows - 1), 1 << 24);
}
