// Parity: our WordPiece tokenizer and @huggingface/tokenizers, both built from the same
// tokenizer.json (the real bert-base-uncased vocabulary), give identical ids on 2,000+ texts.
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { wordPieceFromTokenizerJson, wordPieceFromVocab } from '../../src/core/tokenizers/wordpiece';
import { bertBaseUncasedVocab, bertTokenizerJson } from '../support/bert-vocab';
import { buildCorpus } from '../support/corpus';

const vocab = bertBaseUncasedVocab();
const json = bertTokenizerJson(vocab);

describe('WordPiece parity with @huggingface/tokenizers (bert-base-uncased vocab)', () => {
  const ours = wordPieceFromTokenizerJson(json);
  const reference = new Tokenizer(json as never, {} as never);
  const texts = [
    ...buildCorpus(2100, 11),
    // Added tokens in the raw text, and words right at the 100-character limit.
    'hello [CLS] world[SEP]', '[MASK]ed [UNK]', 'a'.repeat(100), 'a'.repeat(101), 'Ünïcödé ΟΔΟΣ İstanbul',
  ];

  it('ids are identical on every text', () => {
    const mismatches: { text: string; ours: number[]; reference: number[] }[] = [];
    let tokens = 0;
    for (const text of texts) {
      const a = ours.encode(text).ids;
      const b = reference.encode(text).ids;
      tokens += b.length;
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) mismatches.push({ text: text.slice(0, 80), ours: a.slice(0, 20), reference: b.slice(0, 20) });
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(texts.length).toBeGreaterThanOrEqual(2000);
    expect(tokens).toBeGreaterThan(200_000);
  });

  it('the corpus exercises unknown words, CJK, accents and added tokens', () => {
    const all = texts.flatMap((t) => ours.encode(t).ids);
    expect(all.filter((id) => id === 100).length).toBeGreaterThan(10); // [UNK]
    expect(ours.encode('東京').tokens).toEqual(['[CLS]', '東', '京', '[SEP]']);
    expect(ours.encode('Crème Brûlée').tokens).toEqual(['[CLS]', 'cr', '##eme', 'br', '##ule', '##e', '[SEP]']);
    expect(ours.encode('hello [CLS] world').ids).toEqual([101, 7592, 101, 2088, 102]);
  });

  it('vocab.txt + tokenizer_config.json give the same ids as tokenizer.json', () => {
    const fromVocab = wordPieceFromVocab(vocab.join('\n') + '\n', { do_lower_case: true, model_max_length: 512 });
    for (const text of texts.slice(0, 300)) expect(fromVocab.encode(text, { maxLength: 100_000 }).ids).toEqual(ours.encode(text).ids);
    expect(fromVocab.maxLength).toBe(512);
    expect(fromVocab.vocabText()).toBe(vocab.join('\n') + '\n');
  });
});
