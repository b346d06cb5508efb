#!/usr/bin/env node
// Writes a seeded tiny random BERT in the Hugging Face layout, standing in for the Hub in tests:
//   config.json, tokenizer.json, tokenizer_config.json, vocab.txt, special_tokens_map.json,
//   modules.json + 1_Pooling/config.json (sentence-transformers: mean pooling),
//   model.safetensors       F32, bare BertModel names (as sentence-transformers checkpoints),
//   model.fp16.safetensors  F16, "bert."-prefixed names (as BertFor* checkpoints),
// Usage: node scripts/gen-tiny-bert.mjs <dir> [seed]
// Sizes: ~300 wordpieces, hidden 32, 2 layers, 4 heads, intermediate 64, 64 positions.
// Weights are larger than HF's 0.02 init so attention and GELU are far from linear (a stronger test).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const TINY_BERT = { hidden: 32, layers: 2, heads: 4, intermediate: 64, positions: 64, typeVocab: 2 };

const WORDS = `the a an and or but is was are were be been it this that these those i you he she we they
movie film story plot actor actors acting scene scenes music great good bad terrible awful boring love loved
hate hated fun funny best worst ever never not no yes very really so too much more most well just like liked
watch watched time times one two three first last end ending character characters director script dialogue
beautiful amazing excellent wonderful poor waste money recommend book show series episode people life world
of in on at to for with from by about as up out all some any if then than when what who how why`.split(/\s+/);
const SUFFIXES = ['s', 'ed', 'ing', 'ly', 'er', 'est', 'ful', 'less', 'ness', 'able', 'tion', 'ment'];

export function tinyVocab() {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
  const punct = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.split('');
  const cjk = ['東', '京', '日', '本'];
  const pieces = [...specials, ...letters, ...punct, ...cjk, ...letters.map((c) => `##${c}`), ...SUFFIXES.map((s) => `##${s}`), ...WORDS];
  const unique = [...new Set(pieces)];
  for (let i = 0; unique.length < 300; i++) unique.push(`[unused${i}]`);
  return unique;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Named tensors (bare BertModel names, Linear weights [out, in]) → Float32Array. */
export function tinyBertWeights(seed = 1, vocabSize = 300, sizes = TINY_BERT) {
  const rand = mulberry32(seed);
  const normal = (std, mean = 0) => mean + std * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const tensors = [];
  const add = (name, shape, std, mean = 0) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = normal(std, mean);
    tensors.push({ name, shape, data });
  };
  const { hidden: h, layers, intermediate, positions, typeVocab } = sizes;
  add('embeddings.word_embeddings.weight', [vocabSize, h], 0.5);
  add('embeddings.position_embeddings.weight', [positions, h], 0.5);
  add('embeddings.token_type_embeddings.weight', [typeVocab, h], 0.5);
  add('embeddings.LayerNorm.weight', [h], 0.1, 1);
  add('embeddings.LayerNorm.bias', [h], 0.1);
  for (let l = 0; l < layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) {
      add(`${p}attention.self.${m}.weight`, [h, h], 0.3);
      add(`${p}attention.self.${m}.bias`, [h], 0.1);
    }
    add(`${p}attention.output.dense.weight`, [h, h], 0.2);
    add(`${p}attention.output.dense.bias`, [h], 0.1);
    add(`${p}attention.output.LayerNorm.weight`, [h], 0.1, 1);
    add(`${p}attention.output.LayerNorm.bias`, [h], 0.1);
    add(`${p}intermediate.dense.weight`, [intermediate, h], 0.3);
    add(`${p}intermediate.dense.bias`, [intermediate], 0.1);
    add(`${p}output.dense.weight`, [h, intermediate], 0.2);
    add(`${p}output.dense.bias`, [h], 0.1);
    add(`${p}output.LayerNorm.weight`, [h], 0.1, 1);
    add(`${p}output.LayerNorm.bias`, [h], 0.1);
  }
  add('pooler.dense.weight', [h, h], 0.2);
  add('pooler.dense.bias', [h], 0.1);
  return tensors;
}

function toHalf(value) {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    const half = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (exp << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** A safetensors file: 8-byte LE header length, JSON header padded with spaces, then the data. */
export function safetensorsBytes(tensors, dtype) {
  const arrays = tensors.map((t) => (dtype === 'F16' ? Uint16Array.from(t.data, toHalf) : t.data));
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  tensors.forEach((t, i) => {
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + arrays[i].byteLength] };
    offset += arrays[i].byteLength;
  });
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

export function tinyTokenizerJson(vocab) {
  const special = (content) => ({ id: vocab.indexOf(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
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
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab.indexOf('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab.indexOf('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

/** `sizes`: TINY_BERT's fields (bench:browser writes a MiniLM-sized one: 6 × 384, 12 heads, 1536, 512). */
export function generateTinyBert(dir, seed = 1, sizes = TINY_BERT) {
  const vocab = tinyVocab();
  const { hidden, layers, heads, intermediate, positions, typeVocab } = sizes;
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: vocab.length,
    hidden_size: hidden,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    intermediate_size: intermediate,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: positions,
    type_vocab_size: typeVocab,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    transformers_version: '4.44.0',
  };
  const tensors = tinyBertWeights(seed, vocab.length, sizes);
  const json = (name, value) => writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n');
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  json('config.json', config);
  json('tokenizer.json', tinyTokenizerJson(vocab));
  json('tokenizer_config.json', { do_lower_case: true, model_max_length: positions, tokenizer_class: 'BertTokenizer', unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' });
  json('special_tokens_map.json', { unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' });
  json('modules.json', [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ]);
  json('1_Pooling/config.json', { word_embedding_dimension: hidden, pooling_mode_cls_token: false, pooling_mode_mean_tokens: true, pooling_mode_max_tokens: false, pooling_mode_mean_sqrt_len_tokens: false });
  writeFileSync(join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
  writeFileSync(join(dir, 'model.safetensors'), safetensorsBytes(tensors, 'F32'));
  writeFileSync(join(dir, 'model.fp16.safetensors'), safetensorsBytes(tensors.map((t) => ({ ...t, name: `bert.${t.name}` })), 'F16'));
  return { vocab, config };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, seed] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node scripts/gen-tiny-bert.mjs <dir> [seed]');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const { vocab } = generateTinyBert(dir, seed ? Number(seed) : 1);
  console.log(JSON.stringify({ dir, vocab: vocab.length }));
}
