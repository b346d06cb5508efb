// SentencePiece unigram tokenizer for the Universal Sentence Encoder lite vocabulary.
//
// It reproduces, id for id, the tokenizer shipped in @tensorflow-models/universal-sentence-encoder
// (a port of SentencePiece's EncodeAsIds), including its quirks, because the encoder was trained
// on those ids:
//  - the input is NFKC-normalised, every U+0020 becomes '▁' and one '▁' is prepended;
//  - the lattice works on UTF-16 code units (its stringToChars iterates a string by index), so an
//    emoji is two symbols and each unmatched half becomes its own unknown token;
//  - Viterbi keeps, for each end position, the best-scoring piece with ties going to the later
//    start; a best score of exactly 0 counts as "unset" (as in the reference), so unknown pieces
//    (score 0) lose to any real piece that ends at the same place;
//  - consecutive unknown ids are merged into one.
// The reference builds a lattice of objects and slices the symbol array at every position
// (quadratic); this version scans a flat trie once per position and allocates two typed arrays.
import { CodedError } from '../errors';
import { cutForTokens } from './limits';
import { ArgumentError } from '../errors';

export const SPACE_SYMBOL = '\u2581';
export const UNK_ID = 0;
/** Ids below this are reserved (unk, <s>, </s>, extra ids) and never produced from text. */
const RESERVED_SYMBOLS = 6;

export class TokenizerError extends CodedError<string> {
  constructor(code: string, message: string) {
    // A tokenizer that cannot be built or used makes its encoder unusable.
    super('TokenizerError', code, message, 'ENCODER_UNAVAILABLE');
  }
}

/** [piece, score] pairs, index = token id. */
export type SentencePieceVocab = ReadonlyArray<readonly [string, number | null]>;

export function normalizeForSentencePiece(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SPACE_SYMBOL + normalized.replace(/ /g, SPACE_SYMBOL) : normalized;
}

/**
 * A trie over UTF-16 code units, stored as hash maps from (node, code unit) to child node.
 * Node 0 is the root. pieceId[node] is the id of the piece ending there, or -1.
 */
class CodeUnitTrie {
  private readonly edges = new Map<number, number>();
  private pieceIdOf: Int32Array;
  private nodeCount = 1;

  constructor(capacity: number) {
    this.pieceIdOf = new Int32Array(capacity + 1).fill(-1);
  }

  insert(piece: string, id: number): void {
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const key = node * 65536 + piece.charCodeAt(i);
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.nodeCount++;
        if (next >= this.pieceIdOf.length) {
          const grown = new Int32Array(this.pieceIdOf.length * 2).fill(-1);
          grown.set(this.pieceIdOf);
          this.pieceIdOf = grown;
        }
        this.edges.set(key, next);
      }
      node = next;
    }
    // A later duplicate piece overwrites an earlier one, as the reference trie does.
    this.pieceIdOf[node] = id;
  }

  child(node: number, codeUnit: number): number {
    return this.edges.get(node * 65536 + codeUnit) ?? -1;
  }

  pieceId(node: number): number {
    return this.pieceIdOf[node];
  }
}

export class SentencePieceTokenizer {
  readonly vocabSize: number;
  /** The id of the lone word-start piece '▁' (before a word the vocabulary cannot spell), or -1. */
  readonly spaceId: number;
  private readonly trie: CodeUnitTrie;
  private readonly scores: Float64Array;
  private readonly pieceLength: Int32Array;
  private readonly pieces: string[];

  constructor(vocab: SentencePieceVocab) {
    if (!Array.isArray(vocab) || vocab.length <= RESERVED_SYMBOLS) {
      throw new TokenizerError(
        'bad-vocab',
        `vocab must be an array of more than ${RESERVED_SYMBOLS} [piece, score] pairs; received ${describe(vocab)}`,
      );
    }
    this.vocabSize = vocab.length;
    this.scores = new Float64Array(vocab.length);
    this.pieceLength = new Int32Array(vocab.length);
    this.pieces = new Array<string>(vocab.length);
    let totalLength = 0;
    for (let id = 0; id < vocab.length; id++) {
      const entry = vocab[id];
      const score: unknown = Array.isArray(entry) ? entry[1] : undefined;
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !(typeof score === 'number' || score === null)) {
        throw new TokenizerError('bad-vocab', `vocab[${id}] must be [piece: string, score: number]; received ${describe(entry)}`);
      }
      this.pieces[id] = entry[0];
      // The shipped vocab has a few null scores (pieces with ':'); the reference adds them to
      // numbers, where null counts as 0, and so must we.
      this.scores[id] = score ?? 0;
      this.pieceLength[id] = entry[0].length;
      totalLength += entry[0].length;
    }
    this.trie = new CodeUnitTrie(totalLength);
    for (let id = RESERVED_SYMBOLS; id < vocab.length; id++) this.trie.insert(this.pieces[id], id);
    this.spaceId = this.pieces.indexOf(SPACE_SYMBOL, RESERVED_SYMBOLS);
  }

  piece(id: number): string {
    return this.pieces[id];
  }

  /**
   * Token ids of one text: all of them, or the first `maxTokens`. With a limit, only the first
   * maxTokens × CHARS_PER_TOKEN_LIMIT characters are read, cut at a space when there is one in the
   * last quarter, so the Viterbi path (which never crosses a '▁' word start) of the kept tokens is
   * the one the whole text would give.
   */
  encode(text: string, options: { maxTokens?: number } = {}): number[] {
    const maxTokens = options.maxTokens ?? Infinity;
    if (!(maxTokens >= 1)) throw new ArgumentError(`maxTokens must be at least 1; received ${maxTokens}`);
    let input = cutForTokens(text, maxTokens);
    if (input.length < text.length) {
      const space = input.lastIndexOf(' ');
      if (space > input.length * 0.75) input = input.slice(0, space);
    }
    const ids = this.encodeWhole(input);
    return ids.length > maxTokens ? ids.slice(0, maxTokens) : ids;
  }

  private encodeWhole(text: string): number[] {
    const s = normalizeForSentencePiece(text);
    const n = s.length;
    const best = new Float64Array(n + 1);
    const word = new Int32Array(n + 1); // 0 = unk, also for positions no piece reaches
    for (let start = 0; start < n; start++) {
      const base = best[start];
      let node = this.trie.child(0, s.charCodeAt(start));
      let matched = false;
      for (let end = start + 1; node !== -1; end++) {
        const id = this.trie.pieceId(node);
        if (id !== -1) {
          matched = true;
          const score = this.scores[id] + base;
          if (best[end] === 0 || score >= best[end]) {
            best[end] = score;
            word[end] = id;
          }
        }
        if (end >= n) break;
        node = this.trie.child(node, s.charCodeAt(end));
      }
      if (!matched) {
        // Unknown single code unit: score 0.
        const end = start + 1;
        if (best[end] === 0 || base >= best[end]) {
          best[end] = base;
          word[end] = UNK_ID;
        }
      }
    }
    const reversed: number[] = [];
    for (let pos = n; pos > 0; ) {
      const id = word[pos];
      reversed.push(id);
      pos -= this.pieceLength[id];
    }
    const ids: number[] = [];
    let previousUnk = false;
    for (let i = 0; i < reversed.length; i++) {
      const id = reversed[i];
      if (!(previousUnk && id === UNK_ID)) ids.push(id);
      previousUnk = id === UNK_ID;
    }
    return ids.reverse();
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.slice(0, 80);
}
