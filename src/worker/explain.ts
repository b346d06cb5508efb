// Word-level explanation of one prediction by occlusion: remove one word at a time, predict every
// variant in one batch through the kept model, and call a word's contribution to label j
//   c[w][j] = p(j | text) − p(j | text without w).
// Positive: the word pushed the prediction toward j; negative: it pulled away from j.
// Occlusion rather than gradient × input because the kept model may be an n-gram model, a blend
// or a hybrid: it only has to predict, so every kind of kept model is explained the same way.
// Pure (no tf): the predictor hands in its own probabilities function.
import { EngineError } from './errors';

/** A word of the text and what removing it changed. */
export interface WordContribution {
  /** UTF-16 offsets into the explained text. */
  start: number;
  end: number;
  word: string;
  /** p(label | text) − p(label | text without this word), one per label. */
  contributions: number[];
}

export interface Explanation {
  labels: string[];
  /** The full text's probabilities (the same as `predict` answers). */
  probabilities: number[];
  /** Index of the predicted label. */
  predicted: number;
  /** The first MAX_EXPLAINED_WORDS words, in order. */
  words: WordContribution[];
  /** Words after the cap, not explained. */
  skipped: number;
  ms: number;
}

/** Each word costs one more text to predict: 64 keeps an encoder-kept model within a few seconds on WASM. */
export const MAX_EXPLAINED_WORDS = 64;

// Letters and digits, with inner apostrophes and hyphens ("don't", "well-made"); punctuation and
// spaces stay in the text between words.
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function findWords(text: string): { start: number; end: number; word: string }[] {
  return [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0] }));
}

/** The text without the span [start, end): one space where two would meet, none left at either end. */
export function withoutSpan(text: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const joined = /\s$/.test(before) && /^\s/.test(after) ? before + after.replace(/^\s+/, '') : before + after;
  return joined.trim();
}

/**
 * Explains `text` with `probabilities(texts)` (row-major [texts, k]): one batch of 1 + words texts.
 * `maxWords` caps the words explained (the rest are counted in `skipped`).
 */
export async function explainByOcclusion(
  text: string,
  labels: string[],
  probabilities: (texts: string[]) => Promise<Float32Array>,
  maxWords = MAX_EXPLAINED_WORDS,
): Promise<Explanation> {
  const t0 = performance.now();
  const k = labels.length;
  const all = findWords(text);
  const words = all.slice(0, Math.max(0, maxWords));
  const texts = [text, ...words.map((w) => withoutSpan(text, w.start, w.end))];
  const p = await probabilities(texts);
  if (p.length !== texts.length * k) {
    throw new EngineError('INTERNAL', `explainByOcclusion: expected ${texts.length}×${k} probabilities, got ${p.length}`);
  }
  const base = Array.from(p.subarray(0, k));
  let predicted = 0;
  for (let j = 1; j < k; j++) if (base[j]! > base[predicted]!) predicted = j;
  return {
    labels,
    probabilities: base,
    predicted,
    words: words.map((w, i) => ({
      ...w,
      contributions: base.map((b, j) => b - p[(i + 1) * k + j]!),
    })),
    skipped: all.length - words.length,
    ms: performance.now() - t0,
  };
}
