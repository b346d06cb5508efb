// WordPiece: greedy longest-match-first split of one word into vocabulary pieces; pieces after
// the first carry the continuing prefix ("##"). A word with any unmatchable remainder, or longer
// than maxInputCharsPerWord characters (code points), becomes the single unknown token.

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

  constructor(config: WordPieceModelConfig) {
    this.vocab = config.vocab;
    this.unkToken = config.unkToken;
    this.prefix = config.continuingSubwordPrefix;
    this.maxInputCharsPerWord = config.maxInputCharsPerWord;
  }

  /** Pieces of one pre-tokenized word. */
  tokenizeWord(word: string): string[] {
    const chars = Array.from(word);
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | null = null;
      while (start < end) {
        const piece = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
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
