// WordPiece: greedy longest-match-first split of one word into vocabulary pieces; pieces after
// the first carry the continuing prefix ("##"). A word with any unmatchable remainder, or longer
// than maxInputCharsPerWord characters (code points), becomes the single unknown token.
//
// Cost: a candidate longer than the longest vocabulary piece can never match, so each start
// position tries at most `longestPiece` candidates, each sliced once from the word: O(n × L²)
// per word with L ≈ 20, instead of the textbook O(n³) (which took 48 s on a 3,000-character word
// when a tokenizer.json asked for max_input_chars_per_word = 1e9).
import { TokenizerError } from './sentencepiece';

/** Largest max_input_chars_per_word we accept (HF's default is 100); see README "Choices and limits". */
export const MAX_INPUT_CHARS_PER_WORD_LIMIT = 200;

export interface WordPieceModelConfig {
  vocab: ReadonlyMap<string, number>;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

export class WordPieceModel {
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkToken: string;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  /** Longest vocabulary entry in code points (continuing pieces counted without their prefix). */
  private readonly longestPiece: number;

  constructor(config: WordPieceModelConfig) {
    const max = config.maxInputCharsPerWord;
    if (!Number.isInteger(max) || max < 1 || max > MAX_INPUT_CHARS_PER_WORD_LIMIT) {
      throw new TokenizerError('bad-config', `max_input_chars_per_word must be an integer in 1..${MAX_INPUT_CHARS_PER_WORD_LIMIT}; received ${String(max).slice(0, 40)}`);
    }
    this.vocab = config.vocab;
    this.unkToken = config.unkToken;
    this.prefix = config.continuingSubwordPrefix;
    this.maxInputCharsPerWord = max;
    let longest = 1;
    for (const piece of config.vocab.keys()) {
      const body = this.prefix && piece.startsWith(this.prefix) ? piece.slice(this.prefix.length) : piece;
      longest = Math.max(longest, codePointLength(body), codePointLength(piece));
    }
    this.longestPiece = longest;
  }

  /** Pieces of one pre-tokenized word. */
  tokenizeWord(word: string): string[] {
    // Code point boundaries as UTF-16 offsets, so a candidate is one slice of the word.
    const offsets: number[] = [];
    for (let i = 0; i < word.length; i++) {
      offsets.push(i);
      if (isPairAt(word, i)) i++;
      if (offsets.length > this.maxInputCharsPerWord) return [this.unkToken];
    }
    const n = offsets.length;
    offsets.push(word.length);
    const pieces: string[] = [];
    let start = 0;
    while (start < n) {
      let end = Math.min(n, start + this.longestPiece);
      let found: string | null = null;
      while (start < end) {
        const body = word.slice(offsets[start], offsets[end]);
        const piece = start > 0 ? this.prefix + body : body;
        if (this.vocab.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === null) return [this.unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  tokenize(words: readonly string[]): string[] {
    return words.flatMap((w) => this.tokenizeWord(w));
  }
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    n++;
    if (isPairAt(s, i)) i++;
  }
  return n;
}

/** A surrogate pair starts at i (a lone surrogate counts as one character, as Array.from does). */
function isPairAt(s: string, i: number): boolean {
  const hi = s.charCodeAt(i);
  const lo = s.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}
