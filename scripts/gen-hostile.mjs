#!/usr/bin/env node
// Writes the hostile corpus of issue 9: files crafted to hang, crash, leak or lose data in a
// naive importer. Seeded and deterministic; written into a folder given on the command line
// (tests use a temporary one), never committed: the zip bomb declares gigabytes and the vocab
// has 10 M lines.
//   node scripts/gen-hostile.mjs <dir> [seed] [--small]   (--small: without the two big files)
// Each file, and the code path that must refuse or survive it:
//   mixed-endings.csv         CRLF file with LF lines (6 rows)          → CSV import keeps 6 rows
//   lone-cr.csv               LF file with a lone CR (4 rows)           → CSV import keeps 4 rows
//   prototype-labels.csv      labels __proto__/constructor/toString      → counted and trained like any label
//   formula-cells.csv         =HYPERLINK(…), +, -, @ cells, label =1+1   → every CSV we write escapes them
//   huge-field.csv            one 50 MB text field + 12 normal rows      → cut to 100,000 characters, row kept
//   huge-max-chars.tokenizer.json  max_input_chars_per_word: 1e9        → refused at load
//   long-word.txt             one 3,000-character word                  → tokenized in milliseconds
//   vocab-10m.txt             10,000,000 lines                          → refused before it is split
//   zip-bomb.zip              a member whose header declares 2 GiB      → refused before inflating
//   zip-liar.zip              declares 1,000 B, inflates to 64 MiB      → refused as soon as it overruns
//   zip-many.zip              5,000 members                             → refused by count
//   bundle-topology.texttune.zip  head model.json declares a 1,000,000-unit Dense → refused before tfjs allocates
//   bundle-nan.texttune.zip   head weights hold NaN and Infinity        → refused
//   bundle-no-metrics.texttune.zip  metrics {} and fineTune "yes"       → refused field by field
//   bundle-ok.texttune.zip    the honest twin of the three above        → imports
//   hf-bad-id2label.zip       tiny BERT classifier, id2label of objects/numbers/duplicates → refused
//   hf-bad-pooling.zip        the same with texttune.pooling "bogus"    → refused
//   hf-nan.zip                classifier.weight holds NaN               → refused
//   hf-ok.zip                 the honest twin                           → imports
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync, strToU8 } from 'fflate';
import { safetensorsBytes, tinyBertWeights, tinyTokenizerJson, tinyVocab, TINY_BERT } from './gen-tiny-bert.mjs';

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

const WORDS = 'great awful fine boring lovely broken works perfect useless cheap sturdy slow fast quiet loud'.split(' ');

function sentence(rand, n = 6) {
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

export function csvFiles(seed = 1) {
  const rand = mulberry32(seed);
  const rows = (n, labels) => Array.from({ length: n }, (_, i) => `${sentence(rand)} number ${i},${labels[i % labels.length]}`);
  const mixed = ['text,label', ...rows(6, ['pos', 'neg'])];
  const loneCr = ['text,label', ...rows(4, ['pos', 'neg'])];
  const proto = ['text,label', ...rows(12, ['__proto__', 'constructor', 'toString'])];
  const formula = [
    'text,label',
    '"=HYPERLINK(""http://evil.example"",""click"")",=1+1',
    '+cmd|calc!A1,safe',
    '-2+3,=1+1',
    '@SUM(A1:A2),safe',
    ...rows(8, ['=1+1', 'safe']),
  ];
  return {
    'mixed-endings.csv': mixed[0] + '\r\n' + mixed.slice(1).map((l, i) => l + (i % 2 ? '\n' : '\r\n')).join(''),
    'lone-cr.csv': loneCr[0] + '\n' + loneCr.slice(1).map((l, i) => l + (i === 1 ? '\r' : '\n')).join(''),
    'prototype-labels.csv': proto.join('\n') + '\n',
    'formula-cells.csv': formula.join('\r\n') + '\r\n',
  };
}

/** 50 MB of words in one field, then 12 ordinary rows. */
export function hugeFieldCsv(seed = 1, bytes = 50 * 1024 * 1024) {
  const rand = mulberry32(seed);
  const chunk = Array.from({ length: 2000 }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') + ' ';
  const field = chunk.repeat(Math.ceil(bytes / chunk.length)).slice(0, bytes);
  const rows = Array.from({ length: 12 }, (_, i) => `${sentence(rand)} row ${i},${i % 2 ? 'pos' : 'neg'}`);
  return `text,label\n"${field}",pos\n${rows.join('\n')}\n`;
}

export function tokenizerFiles() {
  const json = tinyTokenizerJson(tinyVocab());
  json.model.max_input_chars_per_word = 1e9;
  return { 'huge-max-chars.tokenizer.json': JSON.stringify(json), 'long-word.txt': 'ab'.repeat(1500) };
}

// ---------------------------------------------------------------------------------------------
// Zips. Central-directory fields are patched in place to lie about sizes.

function patchCentral(zip, name, field, value) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const enc = new TextEncoder().encode(name);
  for (let i = 0; i + 46 < zip.length; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const n = view.getUint16(i + 28, true);
    if (n === enc.length && enc.every((b, j) => zip[i + 46 + j] === b)) view.setUint32(i + field, value, true);
  }
  return zip;
}

export function zipFiles() {
  const bomb = zipSync({ 'model.safetensors': [new Uint8Array(1 << 20), { level: 9 }], 'config.json': strToU8('{}') });
  patchCentral(bomb, 'model.safetensors', 24, 0x80000000); // uncompressed size: 2 GiB
  const liar = zipSync({ 'model.safetensors': [new Uint8Array(64 << 20), { level: 9 }], 'config.json': strToU8('{}') });
  patchCentral(liar, 'model.safetensors', 24, 1000);
  const many = {};
  for (let i = 0; i < 5000; i++) many[`f${i}.txt`] = [strToU8('x'), { level: 0 }];
  return { 'zip-bomb.zip': bomb, 'zip-liar.zip': liar, 'zip-many.zip': zipSync(many) };
}

// ---------------------------------------------------------------------------------------------
// Bundles (the .texttune.zip layout of src/core/formats/bundle.ts), a logistic head on
// USE-lite's 512-d embeddings. The encoder hash is a placeholder: the refusals under test
// happen before the encoder is compared.

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function denseLayer(name, units, inputDim) {
  return {
    class_name: 'Dense',
    config: {
      units, activation: 'linear', use_bias: true, name, trainable: true, dtype: 'float32',
      kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      ...(inputDim ? { batch_input_shape: [null, inputDim] } : {}),
    },
  };
}

export function headArtifacts({ inputDim = 512, labels = 2, declaredUnits = labels, values } = {}) {
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'gen-hostile.mjs',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential_1', layers: [denseLayer('logits', declaredUnits, inputDim), { class_name: 'Activation', config: { activation: 'softmax', name: 'probabilities', trainable: true, dtype: 'float32' } }] },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'logits/kernel', shape: [inputDim, labels], dtype: 'float32' }, { name: 'logits/bias', shape: [labels], dtype: 'float32' }] }],
  };
  const w = new Float32Array(inputDim * labels + labels);
  const rand = mulberry32(7);
  for (let i = 0; i < w.length; i++) w[i] = values?.[i] ?? (rand() - 0.5) * 0.1;
  return { modelJson, weightsBin: new Uint8Array(w.buffer) };
}

export function bundleMetadata(extra = {}) {
  return {
    format: 'texttune-bundle', version: 1, labels: ['neg', 'pos'],
    encoder: { id: 'use-lite', weightsHash: 'f'.repeat(64), maxSeqLength: 128, tokenizer: 'sentencepiece (USE-lite vocabulary)' },
    hyperParameters: { epochs: 3 }, metrics: { accuracy: 0.5, macroF1: 0.5, perClass: [], confusion: [] },
    createdAt: '2026-01-01T00:00:00.000Z', name: 'hostile', embeddingDim: 512, history: [], bestEpoch: 0, epochsRun: 1,
    datasetName: 'hostile', backend: 'cpu', fineTune: null,
    ...extra,
  };
}

export function bundleZip(metadata, head) {
  const files = {
    'texttune.json': strToU8(JSON.stringify(metadata)),
    'model/model.json': strToU8(JSON.stringify(head.modelJson)),
    'model/weights.bin': head.weightsBin,
  };
  const manifest = { format: 'texttune-bundle', version: 1, files: Object.fromEntries(Object.entries(files).map(([p, b]) => [p, { sha256: sha256(b), size: b.length }])) };
  return zipSync({ 'manifest.json': strToU8(JSON.stringify(manifest)), ...files });
}

export function bundleFiles() {
  return {
    'bundle-ok.texttune.zip': bundleZip(bundleMetadata(), headArtifacts()),
    'bundle-topology.texttune.zip': bundleZip(bundleMetadata(), headArtifacts({ declaredUnits: 1_000_000 })),
    'bundle-nan.texttune.zip': bundleZip(bundleMetadata(), headArtifacts({ values: { 3: NaN, 5: Infinity } })),
    'bundle-no-metrics.texttune.zip': bundleZip(bundleMetadata({ metrics: {}, fineTune: 'yes' }), headArtifacts()),
  };
}

// ---------------------------------------------------------------------------------------------
// Hugging Face BertForSequenceClassification zips built on the seeded tiny BERT.

export function hfZip({ id2label, texttune, nan = false } = {}) {
  const vocab = tinyVocab();
  const { hidden, layers, heads, intermediate, positions, typeVocab } = TINY_BERT;
  const tensors = tinyBertWeights(3, vocab.length).map((t) => ({ ...t, name: `bert.${t.name}` }));
  const classifier = new Float32Array(3 * hidden).map((_, i) => Math.sin(i) * 0.1);
  if (nan) classifier[7] = NaN;
  tensors.push({ name: 'classifier.weight', shape: [3, hidden], data: classifier }, { name: 'classifier.bias', shape: [3], data: new Float32Array(3) });
  const config = {
    architectures: ['BertForSequenceClassification'], model_type: 'bert', vocab_size: vocab.length, hidden_size: hidden,
    num_hidden_layers: layers, num_attention_heads: heads, intermediate_size: intermediate, hidden_act: 'gelu',
    max_position_embeddings: positions, type_vocab_size: typeVocab, layer_norm_eps: 1e-12, pad_token_id: 0,
    id2label: id2label ?? { 0: 'neg', 1: 'neutral', 2: 'pos' },
    ...(texttune ? { texttune } : {}),
  };
  return zipSync({
    'config.json': strToU8(JSON.stringify(config)),
    'model.safetensors': safetensorsBytes(tensors, 'F32'),
    'tokenizer.json': strToU8(JSON.stringify(tinyTokenizerJson(vocab))),
  });
}

export function hfFiles() {
  return {
    'hf-ok.zip': hfZip(),
    'hf-bad-id2label.zip': hfZip({ id2label: { 0: { name: 'neg' }, 1: 7, 2: { name: 'neg' } } }),
    'hf-dup-id2label.zip': hfZip({ id2label: { 0: 'neg', 1: 'neg', 2: 'pos' } }),
    'hf-bad-pooling.zip': hfZip({ texttune: { pooling: 'bogus', max_seq_length: 64 } }),
    'hf-nan.zip': hfZip({ nan: true }),
  };
}

/** Streams 10 M lines without holding them. */
function writeBigVocab(path, lines = 10_000_000) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    out.on('error', reject);
    const block = Array.from({ length: 100_000 }, (_, i) => `tok${i}`).join('\n') + '\n';
    for (let i = 0; i < lines / 100_000; i++) out.write(block);
    out.end(resolve);
  });
}

export async function generateHostile(dir, seed = 1, { big = true } = {}) {
  mkdirSync(dir, { recursive: true });
  const all = { ...csvFiles(seed), ...tokenizerFiles(), ...zipFiles(), ...bundleFiles(), ...hfFiles() };
  for (const [name, data] of Object.entries(all)) writeFileSync(join(dir, name), data);
  if (big) {
    writeFileSync(join(dir, 'huge-field.csv'), hugeFieldCsv(seed));
    await writeBigVocab(join(dir, 'vocab-10m.txt'));
  }
  return Object.keys(all).concat(big ? ['huge-field.csv', 'vocab-10m.txt'] : []);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2).filter((a) => a !== '--small');
  const [dir, seed] = args;
  if (!dir) {
    console.error('usage: node scripts/gen-hostile.mjs <dir> [seed] [--small]');
    process.exit(2);
  }
  const names = await generateHostile(dir, seed ? Number(seed) : 1, { big: !process.argv.includes('--small') });
  console.log(JSON.stringify({ dir, files: names }));
}
