// The bag-of-words side: hashed word (1–2-gram) and character (within-word 2–4-gram) TF-IDF
// features, the classic baseline every run is judged against. Plain TypeScript on typed arrays.
//
// Each text → two blocks (words, characters); in each block term frequency is sublinear
// (1 + ln tf), multiplied by a smoothed IDF learnt on the training rows,
// idf = ln((1 + n) / (1 + df)) + 1 (scikit-learn's), and the block is L2-normalised; the blocks
// are scaled by 1/√2 so a row has unit norm. Terms are hashed (FNV-1a) into `buckets` columns:
// no vocabulary to build or store, a fixed width, and unseen words at prediction time cost
// nothing (their columns have zero weight). Collisions at 2^18 buckets cost < 0.1 point on IMDB.
import { TrainError } from './errors';

export interface NgramConfig {
  /** Word n-gram orders, inclusive: [1, 2] = unigrams + bigrams. [0, 0] = no word block. */
  wordNgrams: [number, number];
  /** Character n-gram orders within words (padded with a space each side); [0, 0] = none. */
  charNgrams: [number, number];
  /** Hashed feature columns (a power of two). */
  buckets: number;
  /** Characters of a text read (the rest is ignored): bounds time and memory on huge fields. */
  maxChars: number;
}

export const DEFAULT_NGRAM_CONFIG: Readonly<NgramConfig> = Object.freeze({
  wordNgrams: [1, 2] as [number, number],
  charNgrams: [2, 4] as [number, number],
  buckets: 1 << 18,
  maxChars: 100_000,
});

/** Compressed sparse rows: row i's columns are indices[indptr[i] .. indptr[i+1]). */
export interface SparseRows {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** A fitted vectorizer: the config plus the IDF of every bucket seen in training (sparse, ascending). */
export interface NgramVectorizer {
  config: NgramConfig;
  /** Columns with a training document frequency > 0, ascending. */
  idfIndex: Int32Array;
  idfValue: Float32Array;
}

const WORD = /[\p{L}\p{N}_]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased NFKC word tokens (scikit-learn keeps tokens of 2+ characters; so do we, plus CJK/digits of 1). */
export function words(text: string, maxChars: number): string[] {
  const s = (text.length > maxChars ? text.slice(0, maxChars) : text).normalize('NFKC').toLowerCase();
  return s.match(WORD) ?? [];
}

// FNV-1a over UTF-16 code units, seeded per feature kind so a word and a char-gram never share a hash by construction.
function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Raw term counts of one text: two maps bucket → count (words, chars). */
function termCounts(text: string, cfg: NgramConfig): [Map<number, number>, Map<number, number>] {
  const mask = cfg.buckets - 1;
  const toks = words(text, cfg.maxChars);
  const w = new Map<number, number>();
  const c = new Map<number, number>();
  const add = (m: Map<number, number>, key: number) => m.set(key, (m.get(key) ?? 0) + 1);
  const [w0, w1] = cfg.wordNgrams;
  if (w1 > 0) {
    for (let i = 0; i < toks.length; i++) {
      let gram = '';
      for (let n = 1; n <= w1 && i + n <= toks.length; n++) {
        gram = n === 1 ? toks[i]! : `${gram} ${toks[i + n - 1]}`;
        if (n >= w0) add(w, fnv(gram, n) & mask);
      }
    }
  }
  const [c0, c1] = cfg.charNgrams;
  if (c1 > 0) {
    for (const tok of toks) {
      const padded = ` ${tok} `;
      for (let n = c0; n <= c1; n++) {
        for (let i = 0; i + n <= padded.length; i++) add(c, fnv(padded.slice(i, i + n), 100 + n) & mask);
      }
    }
  }
  return [w, c];
}

function checkConfig(cfg: NgramConfig): void {
  const orders = (name: string, [a, b]: [number, number]) => {
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= a && b <= 8 && (a > 0 || b === 0))) {
      throw new TrainError('invalid-argument', `ngram: ${name} must be [min, max] with 1 ≤ min ≤ max ≤ 8 (or [0, 0]), got [${a}, ${b}]`);
    }
  };
  orders('wordNgrams', cfg.wordNgrams);
  orders('charNgrams', cfg.charNgrams);
  if (cfg.wordNgrams[1] === 0 && cfg.charNgrams[1] === 0) throw new TrainError('invalid-argument', 'ngram: wordNgrams and charNgrams cannot both be off');
  if (!(Number.isInteger(cfg.buckets) && cfg.buckets >= 16 && cfg.buckets <= 1 << 24 && (cfg.buckets & (cfg.buckets - 1)) === 0)) {
    throw new TrainError('invalid-argument', `ngram: buckets must be a power of two in 16..2^24, got ${cfg.buckets}`);
  }
  if (!(Number.isInteger(cfg.maxChars) && cfg.maxChars >= 1)) throw new TrainError('invalid-argument', `ngram: maxChars must be a positive integer, got ${cfg.maxChars}`);
}

export interface FitVectorizerOptions {
  /**
   * Keep at most this many feature columns: the buckets with the highest training document
   * frequency (ties: the lower bucket), as scikit-learn's max_features does. Default: all.
   * A dropped bucket is treated like a term never seen in training.
   */
  maxColumns?: number;
}

/** Learns the IDF on the training texts. */
export function fitVectorizer(texts: readonly string[], config: Partial<NgramConfig> = {}, opts: FitVectorizerOptions = {}): NgramVectorizer {
  const cfg: NgramConfig = { ...DEFAULT_NGRAM_CONFIG, ...config };
  checkConfig(cfg);
  const maxColumns = opts.maxColumns ?? Infinity;
  if (!(maxColumns === Infinity || (Number.isInteger(maxColumns) && maxColumns >= 1))) {
    throw new TrainError('invalid-argument', `ngram: maxColumns must be a positive integer, got ${maxColumns}`);
  }
  const df = new Int32Array(cfg.buckets);
  for (const t of texts) {
    for (const block of termCounts(t, cfg)) for (const key of block.keys()) df[key]!++;
  }
  let seen: number[] = [];
  for (let j = 0; j < cfg.buckets; j++) if (df[j]! > 0) seen.push(j);
  if (seen.length > maxColumns) {
    seen = seen.sort((a, b) => df[b]! - df[a]! || a - b).slice(0, maxColumns).sort((a, b) => a - b);
  }
  const n = texts.length;
  return {
    config: cfg,
    idfIndex: Int32Array.from(seen),
    idfValue: Float32Array.from(seen, (j) => Math.log((1 + n) / (1 + df[j]!)) + 1),
  };
}

const lookups = new WeakMap<NgramVectorizer, { col: Int32Array; idf: Float32Array }>();
/** bucket → feature column (−1: never seen in training) and the IDF per bucket, built once per vectorizer. */
function lookup(v: NgramVectorizer): { col: Int32Array; idf: Float32Array } {
  let l = lookups.get(v);
  if (!l) {
    const col = new Int32Array(v.config.buckets).fill(-1);
    const idf = new Float32Array(v.config.buckets);
    for (let i = 0; i < v.idfIndex.length; i++) {
      col[v.idfIndex[i]!] = i;
      idf[v.idfIndex[i]!] = v.idfValue[i]!;
    }
    l = { col, idf };
    lookups.set(v, l);
  }
  return l;
}

/** Feature columns of a fitted vectorizer: the buckets seen in training. */
export function vectorizerWidth(v: NgramVectorizer): number {
  return v.idfIndex.length;
}

/**
 * TF-IDF rows of `texts` (unit L2 norm each, or all zero for a text with no known term). A term
 * never seen in training is dropped before normalising (as with a fixed vocabulary); columns are
 * the training buckets in ascending order, so the width is vectorizerWidth(v).
 */
export function transform(v: NgramVectorizer, texts: readonly string[]): SparseRows {
  const { col, idf } = lookup(v);
  const indptr = new Int32Array(texts.length + 1);
  let indices = new Int32Array(Math.max(16, texts.length * 64));
  let values = new Float32Array(indices.length);
  let nnz = 0;
  const blocks = (v.config.wordNgrams[1] > 0 ? 1 : 0) + (v.config.charNgrams[1] > 0 ? 1 : 0);
  const blockScale = 1 / Math.sqrt(blocks);
  // One text's columns may repeat across the two blocks (hash collision): merge them.
  const row = new Map<number, number>();
  for (let i = 0; i < texts.length; i++) {
    row.clear();
    for (const block of termCounts(texts[i]!, v.config)) {
      let sq = 0;
      for (const [key, count] of block) if (col[key]! >= 0) sq += ((1 + Math.log(count)) * idf[key]!) ** 2;
      if (sq === 0) continue;
      const scale = blockScale / Math.sqrt(sq);
      for (const [key, count] of block) {
        const j = col[key]!;
        if (j >= 0) row.set(j, (row.get(j) ?? 0) + (1 + Math.log(count)) * idf[key]! * scale);
      }
    }
    if (nnz + row.size > indices.length) {
      const grow = Math.max(indices.length * 2, nnz + row.size);
      const ni = new Int32Array(grow);
      ni.set(indices.subarray(0, nnz));
      indices = ni;
      const nv = new Float32Array(grow);
      nv.set(values.subarray(0, nnz));
      values = nv;
    }
    const keys = Array.from(row.keys()).sort((a, b) => a - b);
    for (const key of keys) {
      indices[nnz] = key;
      values[nnz] = row.get(key)!;
      nnz++;
    }
    indptr[i + 1] = nnz;
  }
  return { rows: texts.length, cols: v.idfIndex.length, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}

/** The rows `which` of a sparse matrix, in that order. */
export function sparseRows(m: SparseRows, which: ArrayLike<number>): SparseRows {
  const indptr = new Int32Array(which.length + 1);
  let nnz = 0;
  for (let i = 0; i < which.length; i++) {
    const r = which[i]!;
    nnz += m.indptr[r + 1]! - m.indptr[r]!;
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < which.length; i++) {
    const r = which[i]!;
    indices.set(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!), indptr[i]!);
    values.set(m.values.subarray(m.indptr[r]!, m.indptr[r + 1]!), indptr[i]!);
  }
  return { rows: which.length, cols: m.cols, indptr, indices, values };
}
