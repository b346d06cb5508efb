// Caps that keep hostile inputs from hanging or exhausting the tokenizers (issue 9):
// a text is cut by characters before tokenizing and tokenizing stops once the window is full,
// with the kept ids unchanged; max_input_chars_per_word and vocabulary sizes are bounded.
import { describe, expect, it } from 'vitest';
import { CHARS_PER_TOKEN_LIMIT, cutForTokens, MAX_VOCAB_ENTRIES } from '../../src/core/tokenizers/limits';
import { SentencePieceTokenizer, TokenizerError } from '../../src/core/tokenizers/sentencepiece';
import { wordPieceFromTokenizerJson, wordPieceFromVocab } from '../../src/core/tokenizers/wordpiece';
import { WordPieceModel } from '../../src/core/tokenizers/wordpiece-model';
import { bertBaseUncasedVocab, bertTokenizerJson } from '../support/bert-vocab';
import { buildCorpus } from '../support/corpus';
import { readUseFiles } from '../support/use-files';

const corpus = buildCorpus(300, 5);
const long = corpus.join(' ');

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

describe('cutForTokens', () => {
  it('keeps maxTokens × CHARS_PER_TOKEN_LIMIT code units and never splits a surrogate pair', () => {
    expect(cutForTokens('abc', 1)).toBe('abc');
    expect(cutForTokens('a'.repeat(100), 2)).toHaveLength(2 * CHARS_PER_TOKEN_LIMIT);
    const emoji = 'x'.repeat(CHARS_PER_TOKEN_LIMIT - 1) + '😀' + 'y';
    expect(cutForTokens(emoji, 1)).toBe('x'.repeat(CHARS_PER_TOKEN_LIMIT - 1));
    expect(cutForTokens(long, Infinity)).toBe(long);
  });
});

describe('SentencePiece with maxTokens', () => {
  const tok = new SentencePieceTokenizer(readUseFiles().vocab as never);

  it('gives the first maxTokens ids of the whole text, on every corpus text and on one long text', () => {
    for (const n of [1, 16, 128]) {
      for (const text of [...corpus, long]) {
        const whole = tok.encode(text);
        expect(tok.encode(text, { maxTokens: n }), text.slice(0, 60)).toEqual(whole.slice(0, n));
      }
    }
  });

  it('a 10 MB field keeping 128 tokens takes milliseconds', () => {
    const huge = 'lorem ipsum dolor sit amet '.repeat(400_000);
    const { value, ms } = timed(() => tok.encode(huge, { maxTokens: 128 }));
    expect(value).toHaveLength(128);
    expect(ms).toBeLessThan(200);
  });

  it('refuses a maxTokens below 1', () => {
    expect(() => tok.encode('x', { maxTokens: 0 })).toThrow(/maxTokens must be at least 1; received 0/);
  });
});

describe('WordPiece limits', () => {
  const vocab = bertBaseUncasedVocab();
  const json = bertTokenizerJson(vocab);
  const ours = wordPieceFromTokenizerJson(json);

  it('tokenize(text, n) and encode with maxLength give the first pieces of the whole text', () => {
    for (const text of [...corpus, long]) {
      const whole = ours.tokenize(text);
      for (const n of [1, 30, 126, 510]) expect(ours.tokenize(text, n), text.slice(0, 60)).toEqual(whole.slice(0, n));
      const enc = ours.encode(text, { maxLength: 128 });
      expect(enc.tokens).toEqual(['[CLS]', ...whole.slice(0, 126), '[SEP]']);
    }
  });

  it('a 10 MB field keeping 512 tokens takes milliseconds', () => {
    const huge = 'Lorem ipsum dolor sit amet, consectetur. '.repeat(250_000);
    const { value, ms } = timed(() => ours.encode(huge, { maxLength: 512 }));
    expect(value.ids).toHaveLength(512);
    expect(ms).toBeLessThan(300);
  });

  it('a long unknown word is linear, not cubic, in its length', () => {
    const model = new WordPieceModel({ vocab: new Map(vocab.map((t, i) => [t, i])), unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 200 });
    const { value, ms } = timed(() => {
      let pieces = 0;
      for (let i = 0; i < 2_000; i++) pieces += model.tokenizeWord('qz'.repeat(100)).length;
      return pieces;
    });
    expect(value).toBeGreaterThan(2_000);
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses max_input_chars_per_word = 1e9 with a message naming the field and the value', () => {
    const hostile = { ...json, model: { ...(json as { model: object }).model, max_input_chars_per_word: 1e9 } };
    const t0 = performance.now();
    expect(() => wordPieceFromTokenizerJson(hostile)).toThrow(TokenizerError);
    expect(() => wordPieceFromTokenizerJson(hostile)).toThrow(/max_input_chars_per_word must be an integer in 1\.\.200; received 1000000000/);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('refuses a vocab.txt with more lines than the cap after counting, without splitting it', () => {
    const big = 'x\n'.repeat(MAX_VOCAB_ENTRIES + 1);
    const { ms } = timed(() => expect(() => wordPieceFromVocab(big)).toThrow(/vocab\.txt has more than 500,000 lines/));
    expect(ms).toBeLessThan(1_000);
  });
});
