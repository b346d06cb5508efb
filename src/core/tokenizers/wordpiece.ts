// A BERT WordPiece tokenizer driven by a Hugging Face tokenizer.json (or vocab.txt +
// tokenizer_config.json), as a pipeline of one-file stages:
//   added tokens ([CLS], [SEP], … matched in the raw text) → BertNormalizer (bert-normalizer.ts)
//   → BertPreTokenizer (bert-pre-tokenizer.ts) → WordPiece (wordpiece-model.ts)
//   → template [CLS] $A [SEP] with truncation to maxLength, and an attention mask.
// Ids equal those of @huggingface/tokenizers on our corpus (tests/unit/wordpiece-parity.test.ts).

import { normalizeBert, type BertNormalizerConfig } from './bert-normalizer';
import { preTokenizeBert } from './bert-pre-tokenizer';
import { TokenizerError } from './sentencepiece';
import { cutForTokens, MAX_VOCAB_ENTRIES } from './limits';
import { WordPieceModel } from './wordpiece-model';
import { ArgumentError } from '../errors';

export interface AddedToken {
  content: string;
  id: number;
  /** false: matched in the raw text (BERT's special tokens); true: in the normalized text. */
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
}

export interface WordPieceEncoding {
  ids: number[];
  tokens: string[];
  /** 1 for every token (no padding here; see batch.ts). */
  attentionMask: number[];
}

export interface WordPieceTokenizerConfig {
  model: WordPieceModel;
  normalizer: BertNormalizerConfig | null;
  addedTokens: AddedToken[];
  /** Tokens around a single sequence, e.g. ['[CLS]'] and ['[SEP]']. */
  prefix: string[];
  suffix: string[];
  padToken: string;
  /** Truncation length including the special tokens, when tokenizer.json asks for one. */
  maxLength: number | null;
}

export class WordPieceTokenizer {
  readonly model: WordPieceModel;
  readonly maxLength: number | null;
  readonly normalizer: BertNormalizerConfig | null;
  private readonly added = new Map<string, AddedToken>();
  private readonly rawTokens: string[];
  private readonly normalizedTokens: string[];
  private readonly prefix: string[];
  private readonly suffix: string[];
  readonly padId: number;
  readonly unkId: number;

  constructor(config: WordPieceTokenizerConfig) {
    this.model = config.model;
    this.normalizer = config.normalizer;
    this.maxLength = config.maxLength;
    for (const t of config.addedTokens) this.added.set(t.content, t);
    // Longest first, so "[CLS]x" never matches a shorter added token at the same position.
    const byLength = (a: string, b: string) => b.length - a.length;
    this.rawTokens = config.addedTokens.filter((t) => !t.normalized).map((t) => t.content).sort(byLength);
    this.normalizedTokens = config.addedTokens
      .filter((t) => t.normalized)
      .map((t) => (this.normalizer ? normalizeBert(t.content, this.normalizer) : t.content))
      .sort(byLength);
    if (this.normalizer) for (const t of config.addedTokens.filter((x) => x.normalized)) this.added.set(normalizeBert(t.content, this.normalizer), t);
    this.prefix = config.prefix;
    this.suffix = config.suffix;
    for (const t of [...config.prefix, ...config.suffix, config.padToken, this.model.unkToken]) this.idOf(t);
    this.padId = this.idOf(config.padToken);
    this.unkId = this.idOf(this.model.unkToken);
  }

  get vocabSize(): number {
    let max = -1;
    for (const id of this.model.vocab.values()) max = Math.max(max, id);
    for (const t of this.added.values()) max = Math.max(max, t.id);
    return max + 1;
  }

  idOf(token: string): number {
    const id = this.added.get(token)?.id ?? this.model.vocab.get(token);
    if (id === undefined) throw new TokenizerError('unknown-token', `token "${token}" is not in the vocabulary`);
    return id;
  }

  /**
   * Word pieces of `text`, without special tokens: all of them, or the first `maxPieces`
   * (then only the first maxPieces × CHARS_PER_TOKEN_LIMIT characters are read, and tokenizing
   * stops as soon as the window is full).
   */
  tokenize(text: string, maxPieces = Infinity): string[] {
    const out: string[] = [];
    const full = () => out.length >= maxPieces;
    for (const section of splitOn(cutForTokens(text, maxPieces), this.rawTokens, this.added)) {
      if (full()) break;
      if (this.added.has(section)) {
        out.push(section);
        continue;
      }
      const normalized = this.normalizer ? normalizeBert(section, this.normalizer) : section;
      for (const part of splitOn(normalized, this.normalizedTokens, this.added)) {
        if (full()) break;
        if (this.added.has(part)) {
          out.push(part);
          continue;
        }
        for (const word of preTokenizeBert(part)) {
          if (full()) break;
          for (const piece of this.model.tokenizeWord(word)) out.push(piece);
        }
      }
    }
    return out.length > maxPieces ? out.slice(0, maxPieces) : out;
  }

  /**
   * Ids with the template applied. `maxLength` (default: tokenizer.json's truncation, else none)
   * counts the special tokens; the text's pieces are cut from the end to fit.
   */
  encode(text: string, options: { maxLength?: number; addSpecialTokens?: boolean } = {}): WordPieceEncoding {
    const special = options.addSpecialTokens ?? true;
    const maxLength = options.maxLength ?? this.maxLength;
    const extra = special ? this.prefix.length + this.suffix.length : 0;
    if (maxLength !== null && (!Number.isInteger(maxLength) || maxLength < extra + 1)) {
      throw new ArgumentError(`maxLength must be an integer ≥ ${extra + 1}; received ${maxLength}`);
    }
    const pieces = this.tokenize(text, maxLength === null ? Infinity : maxLength - extra);
    const tokens = special ? [...this.prefix, ...pieces, ...this.suffix] : pieces;
    const ids = tokens.map((t) => this.added.get(t)?.id ?? this.model.vocab.get(t) ?? this.unkId);
    return { ids, tokens, attentionMask: ids.map(() => 1) };
  }

  /** vocab.txt: one token per line, line number = id. */
  vocabText(): string {
    const byId: string[] = [];
    for (const [t, id] of this.model.vocab) byId[id] = t;
    for (const t of this.added.values()) byId[t.id] ??= t.content;
    return Array.from(byId, (t, i) => t ?? `[unused-${i}]`).join('\n') + '\n';
  }
}

/**
 * Splits `text` around occurrences of `tokens` (scanning left to right, longest match at each
 * position), honouring lstrip/rstrip of the matched added token.
 */
function splitOn(text: string, tokens: readonly string[], added: ReadonlyMap<string, AddedToken>): string[] {
  if (tokens.length === 0 || text === '') return text === '' ? [] : [text];
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const match = tokens.find((t) => text.startsWith(t, i));
    if (match === undefined) {
      i++;
      continue;
    }
    const token = added.get(match);
    let before = text.slice(start, i);
    if (token?.lstrip) before = before.trimEnd();
    if (before) out.push(before);
    out.push(match);
    i += match.length;
    if (token?.rstrip) while (i < text.length && /\s/.test(text[i])) i++;
    start = i;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the Hugging Face files.

type Json = Record<string, unknown>;

function bad(what: string, value: unknown): TokenizerError {
  return new TokenizerError('unsupported-tokenizer', `${what}; received ${JSON.stringify(value)?.slice(0, 200)}`);
}

function normalizerOf(raw: unknown): BertNormalizerConfig | null {
  if (raw === null || raw === undefined) return null;
  const n = raw as Json;
  if (n.type !== 'BertNormalizer') throw bad('tokenizer.json normalizer.type must be "BertNormalizer" or null', n.type);
  return {
    cleanText: n.clean_text !== false,
    handleChineseChars: n.handle_chinese_chars !== false,
    stripAccents: typeof n.strip_accents === 'boolean' ? n.strip_accents : null,
    lowercase: n.lowercase !== false,
  };
}

/** [CLS] $A [SEP] from TemplateProcessing or the older BertProcessing. */
function templateOf(raw: unknown): { prefix: string[]; suffix: string[] } {
  if (raw === null || raw === undefined) return { prefix: [], suffix: [] };
  const p = raw as Json;
  if (p.type === 'BertProcessing') return { prefix: [(p.cls as [string])[0]], suffix: [(p.sep as [string])[0]] };
  if (p.type !== 'TemplateProcessing' || !Array.isArray(p.single)) {
    throw bad('tokenizer.json post_processor.type must be "TemplateProcessing" or "BertProcessing"', p.type);
  }
  const prefix: string[] = [];
  const suffix: string[] = [];
  let seenA = false;
  for (const piece of p.single as Json[]) {
    if (piece.Sequence) seenA = true;
    else if (piece.SpecialToken) (seenA ? suffix : prefix).push((piece.SpecialToken as Json).id as string);
    else throw bad('post_processor.single holds an unknown piece', piece);
  }
  return { prefix, suffix };
}

/** Builds the tokenizer from a parsed tokenizer.json (BERT family only). */
export function wordPieceFromTokenizerJson(json: unknown): WordPieceTokenizer {
  const j = json as Json;
  const m = j?.model as Json | undefined;
  if (!m || m.type !== 'WordPiece') throw bad('tokenizer.json model.type must be "WordPiece"', m?.type);
  if (j.pre_tokenizer && (j.pre_tokenizer as Json).type !== 'BertPreTokenizer') {
    throw bad('tokenizer.json pre_tokenizer.type must be "BertPreTokenizer"', (j.pre_tokenizer as Json).type);
  }
  if (typeof m.vocab !== 'object' || m.vocab === null || Array.isArray(m.vocab)) throw bad('tokenizer.json model.vocab must be an object {token: id}', typeof m.vocab);
  const entries = Object.entries(m.vocab as Record<string, unknown>);
  if (entries.length > MAX_VOCAB_ENTRIES) throw bad(`tokenizer.json model.vocab has more than ${MAX_VOCAB_ENTRIES.toLocaleString('en')} entries`, entries.length);
  const vocab = new Map<string, number>();
  for (const [token, id] of entries) {
    if (!Number.isInteger(id) || (id as number) < 0) throw bad(`tokenizer.json model.vocab["${token.slice(0, 40)}"] must be a non-negative integer id`, id);
    vocab.set(token, id as number);
  }
  const maxChars = m.max_input_chars_per_word ?? 100;
  const model = (() => {
    try {
      return new WordPieceModel({
        vocab,
        unkToken: typeof m.unk_token === 'string' ? m.unk_token : '[UNK]',
        continuingSubwordPrefix: typeof m.continuing_subword_prefix === 'string' ? m.continuing_subword_prefix : '##',
        maxInputCharsPerWord: maxChars as number,
      });
    } catch (err) {
      throw new TokenizerError('unsupported-tokenizer', `tokenizer.json model.${(err as Error).message}`);
    }
  })();
  const addedTokens = ((j.added_tokens as Json[]) ?? []).map((t) => ({
    content: t.content as string,
    id: t.id as number,
    normalized: (t.normalized as boolean | undefined) ?? !t.special,
    lstrip: t.lstrip === true,
    rstrip: t.rstrip === true,
  }));
  const padToken = ((j.padding as Json | null)?.pad_token as string) ?? (vocab.has('[PAD]') ? '[PAD]' : model.unkToken);
  const truncation = j.truncation as Json | null;
  return new WordPieceTokenizer({
    model,
    normalizer: normalizerOf(j.normalizer),
    addedTokens,
    ...templateOf(j.post_processor),
    padToken,
    maxLength: typeof truncation?.max_length === 'number' ? truncation.max_length : null,
  });
}

/** Builds the tokenizer from vocab.txt and (optionally) tokenizer_config.json, with BertTokenizer's defaults. */
export function wordPieceFromVocab(vocabTxt: string, tokenizerConfig: unknown = {}): WordPieceTokenizer {
  const c = (tokenizerConfig ?? {}) as Json;
  // Count lines before splitting: a 10M-line file was refused only after 19 s / 1.9 GB.
  let count = 0;
  for (let i = vocabTxt.indexOf('\n'); i !== -1 && count <= MAX_VOCAB_ENTRIES; i = vocabTxt.indexOf('\n', i + 1)) count++;
  if (count > MAX_VOCAB_ENTRIES) {
    throw new TokenizerError('unsupported-tokenizer', `vocab.txt has more than ${MAX_VOCAB_ENTRIES.toLocaleString('en')} lines (the limit); BERT's has 30,522 — is this really a vocabulary?`);
  }
  const lines = vocabTxt.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((t, i) => vocab.set(t, i));
  const name = (key: string, fallback: string): string => {
    const v = c[key];
    return typeof v === 'string' ? v : typeof (v as Json)?.content === 'string' ? ((v as Json).content as string) : fallback;
  };
  const [unk, cls, sep, pad, mask] = [name('unk_token', '[UNK]'), name('cls_token', '[CLS]'), name('sep_token', '[SEP]'), name('pad_token', '[PAD]'), name('mask_token', '[MASK]')];
  const lowercase = c.do_lower_case !== false;
  const addedTokens = [pad, unk, cls, sep, mask]
    .filter((t) => vocab.has(t))
    .map((t) => ({ content: t, id: vocab.get(t)!, normalized: false, lstrip: false, rstrip: false }));
  const maxLen = c.model_max_length;
  return new WordPieceTokenizer({
    model: new WordPieceModel({ vocab, unkToken: unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 }),
    normalizer: {
      cleanText: true,
      handleChineseChars: c.tokenize_chinese_chars !== false,
      stripAccents: typeof c.strip_accents === 'boolean' ? c.strip_accents : null,
      lowercase,
    },
    addedTokens,
    prefix: [cls],
    suffix: [sep],
    padToken: pad,
    // model_max_length is 1e30 when unset in many configs: only small values are real limits.
    maxLength: typeof maxLen === 'number' && maxLen <= 100_000 ? maxLen : null,
  });
}
