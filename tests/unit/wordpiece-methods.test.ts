// Method edge cases on a tiny hand-built vocabulary: one golden table (text → tokens), run by one loop.
import { describe, expect, it } from 'vitest';
import { normalizeBert } from '../../src/core/tokenizers/bert-normalizer';
import { preTokenizeBert } from '../../src/core/tokenizers/bert-pre-tokenizer';
import { wordPieceFromTokenizerJson, wordPieceFromVocab } from '../../src/core/tokenizers/wordpiece';
import { WordPieceModel } from '../../src/core/tokenizers/wordpiece-model';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'aff', 'able', 'a', '##a', 'run', '##ning', '!', ',', '$', '東', 'cafe', 'Café', 'é', '𠀀'];

function tokenizerJson(normalizer: unknown, extra: Record<string, unknown> = {}) {
  return {
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({ id: VOCAB.indexOf(content), content, normalized: false, special: true })),
    normalizer,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }] },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 9, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
    ...extra,
  };
}
const uncased = wordPieceFromTokenizerJson(tokenizerJson({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }));
const cased = wordPieceFromTokenizerJson(tokenizerJson({ type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: false }));

const GOLDEN: [string, typeof uncased, string, string[]][] = [
  ['greedy longest match with ## continuation', uncased, 'unaffable', ['un', '##aff', '##able']],
  ['a word with an unmatchable tail is one [UNK]', uncased, 'unaffx', ['[UNK]']],
  ['words over max_input_chars_per_word (9) are [UNK]', uncased, 'aaaaaaaaa aaaaaaaaaa', ['a', ...Array(8).fill('##a'), '[UNK]']],
  ['punctuation is split off, ASCII symbols count as punctuation', uncased, 'run,running!$', ['run', ',', 'run', '##ning', '!', '$']],
  ['lowercase strips accents', uncased, 'CAFÉ', ['cafe']],
  ['cased keeps accents and case', cased, 'Café é', ['Café', 'é']],
  ['CJK characters become words of their own', uncased, 'a東a', ['a', '東', 'a']],
  ['astral CJK (Extension B) too', uncased, 'a𠀀a', ['a', '𠀀', 'a']],
  ['control characters and U+FFFD are dropped, odd whitespace splits', uncased, 'un\u200baff\ufffdable\u00a0run\tа', ['un', '##aff', '##able', 'run', '[UNK]']],
  ['special tokens in raw text are matched before normalization', uncased, 'run[MASK]RUN [cls]', ['run', '[MASK]', 'run', '[UNK]', '[UNK]', '[UNK]']],
  ['empty and whitespace-only texts', uncased, ' \n\t ', []],
];

describe('WordPiece pipeline: golden table on a hand-built vocabulary', () => {
  for (const [what, tokenizer, text, tokens] of GOLDEN) {
    it(what, () => {
      const enc = tokenizer.encode(text);
      expect(enc.tokens).toEqual(['[CLS]', ...tokens, '[SEP]']);
      expect(enc.ids).toEqual(enc.tokens.map((t) => tokenizer.idOf(t)));
      expect(enc.attentionMask).toEqual(enc.ids.map(() => 1));
    });
  }
});

describe('WordPiece stages and options', () => {
  it('truncates the text pieces so [CLS] … [SEP] fits maxLength', () => {
    expect(uncased.encode('run run run run', { maxLength: 4 }).tokens).toEqual(['[CLS]', 'run', 'run', '[SEP]']);
    expect(uncased.encode('run run', { addSpecialTokens: false }).tokens).toEqual(['run', 'run']);
    expect(() => uncased.encode('run', { maxLength: 2 })).toThrow(/maxLength must be an integer ≥ 3; received 2/);
    const truncating = wordPieceFromTokenizerJson(tokenizerJson(null, { truncation: { max_length: 3 } }));
    expect(truncating.encode('run run').tokens).toEqual(['[CLS]', 'run', '[SEP]']);
  });

  it('stages are pure functions', () => {
    expect(normalizeBert('Ａ\u0301B\u0000c', { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true })).toBe('ａbc');
    expect(preTokenizeBert("don't  stop—now")).toEqual(['don', "'", 't', 'stop', '—', 'now']);
    const model = new WordPieceModel({ vocab: new Map([['a', 0], ['##b', 1]]), unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
    expect(model.tokenizeWord('ab')).toEqual(['a', '##b']);
    expect(model.tokenizeWord('ba')).toEqual(['[UNK]']);
  });

  it('vocab.txt with tokenizer_config.json: do_lower_case false keeps case', () => {
    const t = wordPieceFromVocab(VOCAB.join('\n'), { do_lower_case: false, model_max_length: 1e30 });
    expect(t.encode('Café').tokens).toEqual(['[CLS]', 'Café', '[SEP]']);
    expect(t.maxLength).toBeNull();
    expect(t.padId).toBe(0);
  });

  it('rejects non-BERT tokenizer.json with a named error', () => {
    expect(() => wordPieceFromTokenizerJson({ model: { type: 'BPE' } })).toThrow(expect.objectContaining({ name: 'TokenizerError', code: 'unsupported-tokenizer' }));
    expect(() => wordPieceFromTokenizerJson({ ...tokenizerJson(null), pre_tokenizer: { type: 'Metaspace' } })).toThrow(/pre_tokenizer.type must be "BertPreTokenizer"; received "Metaspace"/);
  });
});
