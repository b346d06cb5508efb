import { describe, expect, it } from 'vitest';
import { chunkTokens, padBatch, windowSpan } from '../../src/core/tokenizers/batch';
import { normalizeForSentencePiece, SentencePieceTokenizer, TokenizerError } from '../../src/core/tokenizers/sentencepiece';
import { buildCorpus } from '../support/corpus';
import { readUseFiles, referenceTokenizer } from '../support/use-files';

// A hand-built vocabulary: 6 reserved ids, then pieces chosen to exercise ties and unknowns.
const TINY: [string, number | null][] = [
  ['\uFFFD', 0], ['<s>', 0], ['</s>', 0], ['x1', 0], ['x2', 0], ['x3', 0],
  ['▁', -2], ['a', -3], ['b', -3], ['ab', -6], ['▁ab', -4], ['c', -1], [':', null],
];

describe('SentencePieceTokenizer (method)', () => {
  const tok = new SentencePieceTokenizer(TINY);

  it('normalises with NFKC, maps spaces to ▁ and prefixes one', () => {
    expect(normalizeForSentencePiece('ﬁ a')).toBe('▁fi▁a');
    expect(normalizeForSentencePiece('')).toBe('');
  });

  it('prefers the best-scoring segmentation', () => {
    expect(tok.encode('ab')).toEqual([10]); // ▁ab (-4) beats ▁ + ab (-8) and ▁ + a + b (-8)
    // ▁ c a b: 'ab' (-6) ties 'a'+'b' (-6); ties go to the later start, so 'b' replaces 'ab'.
    expect(tok.encode('cab')).toEqual([6, 11, 7, 8]);
  });

  it('merges consecutive unknown code units into one unk id', () => {
    expect(tok.encode('zzz')).toEqual([6, 0]);
    expect(tok.encode('z c z')).toEqual([6, 0, 6, 11, 6, 0]);
    expect(tok.encode('😀')).toEqual([6, 0]); // two unmatched UTF-16 halves, merged
  });

  it('agrees with the reference on the hand-built vocabulary too', () => {
    const reference = referenceTokenizer(TINY);
    for (const text of ['ab', 'cab', 'zzz', 'z c z', ':', 'a b', 'ba ab  c', '😀a']) expect(tok.encode(text), text).toEqual(reference.encode(text));
  });

  it('treats a null score as 0, like the reference', () => {
    expect(tok.encode(':')).toEqual([6, 12]);
  });

  it('rejects a malformed vocabulary with a message naming the entry', () => {
    expect(() => new SentencePieceTokenizer([['a', 1]])).toThrow(TokenizerError);
    const bad = [...TINY.slice(0, 7), [7, 1]] as unknown as [string, number][];
    expect(() => new SentencePieceTokenizer(bad)).toThrow(/vocab\[7\]/);
  });
});

describe('SentencePieceTokenizer (parity with @tensorflow-models/universal-sentence-encoder)', () => {
  const files = readUseFiles();
  const ours = new SentencePieceTokenizer(files.vocab as [string, number][]);
  const reference = referenceTokenizer(files.vocab);

  it('gives identical ids on 2,000 varied texts', () => {
    const corpus = buildCorpus(2000, 11);
    const kinds = { emoji: /\p{Extended_Pictographic}/u, cjk: /\p{Script=Han}/u, accents: /[À-ÿ]/, digits: /\d/, markup: /<br \/>/ };
    for (const [kind, re] of Object.entries(kinds)) expect(corpus.some((t) => re.test(t)), kind).toBe(true);
    expect(corpus.some((t) => t.length > 5000)).toBe(true);
    const mismatches: number[] = [];
    let tokens = 0;
    corpus.forEach((text, i) => {
      const expected = reference.encode(text);
      tokens += expected.length;
      const got = ours.encode(text);
      if (got.length !== expected.length || got.some((id, j) => id !== expected[j])) mismatches.push(i);
    });
    expect(mismatches).toEqual([]);
    expect(tokens).toBeGreaterThan(100_000);
  });
});

describe('padBatch / chunkTokens', () => {
  it('left-aligns rows, pads with 0 and masks the padding', () => {
    const b = padBatch([[5, 6, 7], [8]], 10);
    expect(b.seqLength).toBe(3);
    expect(Array.from(b.ids)).toEqual([5, 6, 7, 8, 0, 0]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(b.lengths)).toEqual([3, 1]);
  });

  it('truncates to maxLength and keeps at least one column for empty rows', () => {
    const b = padBatch([[1, 2, 3, 4], []], 2);
    expect(b.seqLength).toBe(2);
    expect(Array.from(b.ids)).toEqual([1, 2, 0, 0]);
    expect(padBatch([[]], 8).seqLength).toBe(1);
    expect(() => padBatch([[1]], 0)).toThrow(/maxLength/);
  });

  it('chunks long sequences into consecutive windows', () => {
    expect(chunkTokens([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkTokens([], 2)).toEqual([[]]);
  });

  it('overlaps windows by the given fraction, stops at the text end, caps the count, and tokenizes just enough', () => {
    const ids = Array.from({ length: 10 }, (_, i) => i);
    // Window 4, overlap 0.5 → stride 2: every token boundary inside a window somewhere.
    expect(chunkTokens(ids, 4, Infinity, 0.5)).toEqual([[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7], [6, 7, 8, 9]]);
    expect(chunkTokens(ids, 4, 2, 0.5)).toEqual([[0, 1, 2, 3], [2, 3, 4, 5]]);
    expect(chunkTokens(ids, 4, Infinity, 0)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(chunkTokens(ids, 4, Infinity, 0.75)).toHaveLength(7);
    expect(() => chunkTokens(ids, 4, Infinity, 0.9)).toThrow(/overlap/);
    // The tokens worth fetching: exactly what the windows cover.
    expect(windowSpan(4, { maxWindows: 2, overlap: 0.5 })).toBe(6);
    expect(windowSpan(128, { maxWindows: 16 })).toBe(128 * 16);
  });
});
