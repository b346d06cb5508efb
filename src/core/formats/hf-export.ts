// Export to, and import from, the Hugging Face format: a folder (zipped) that
// transformers loads as BertForSequenceClassification:
//   config.json        BertConfig + architectures, id2label/label2id, and "texttune" (pooling,
//                      max_seq_length): how TextTune pools before the classifier (see train.py)
//   model.safetensors  bert.* encoder + bert.pooler.dense.* + classifier.weight [labels, hidden]
//                      / classifier.bias, float32, metadata {format: "pt"} (transformers needs it)
//   tokenizer.json (when known), vocab.txt, tokenizer_config.json, special_tokens_map.json
//   train.csv          the training data (text,label), train.py (transformers Trainer)
// The classifier is TextTune's linear head (kernel [hidden, labels] transposed to torch's
// [labels, hidden]). A checkpoint without a pooler gets an identity pooler (unused unless pooling
// is "pooler"): BertForSequenceClassification always has one.
import { strFromU8, strToU8, zipSync } from 'fflate';
import { BertEncoder, bertTokenizer, safetensorsMap, transpose2d } from '../encoders/bert';
import { parseBertConfig, type BertConfig } from '../encoders/bert-config';
import { toCsv } from '../data/csv-write';
import { FormatError } from './errors';
import { readZip } from './zip';
import { hfClassifierConfig } from './records';
import { encodeSafetensors, type SafetensorsTensor } from './safetensors';
// A real Python file (so Python tools can check it: tests/unit/train-py.test.ts), shipped as text.
import TRAIN_PY from './train.py?raw';

export interface LinearHead {
  /** Row-major [hidden, numLabels], as FineTuner.headKernel. */
  kernel: Float32Array;
  bias: Float32Array;
  /** Label names, index = class id. */
  labels: string[];
}

export interface HfExportInput {
  encoder: BertEncoder;
  head: LinearHead;
  /** The model's tokenizer.json, written as is when given (vocab.txt is always written). */
  tokenizerJson?: unknown;
  trainingData?: { texts: string[]; labels: string[] };
}

const ACT_NAME: Record<BertConfig['activation'], string> = { gelu: 'gelu', gelu_tanh: 'gelu_new', relu: 'relu' };

function configJson(encoder: BertEncoder, labels: string[]): Record<string, unknown> {
  const c = encoder.config;
  return {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    vocab_size: c.vocabSize,
    hidden_size: c.hidden,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: c.intermediate,
    hidden_act: ACT_NAME[c.activation],
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    max_position_embeddings: c.maxPositions,
    type_vocab_size: c.typeVocabSize,
    initializer_range: 0.02,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: encoder.tokenizer.padId,
    position_embedding_type: 'absolute',
    problem_type: 'single_label_classification',
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    torch_dtype: 'float32',
    texttune: { pooling: encoder.pooling, max_seq_length: encoder.maxSeqLength, encoder_id: encoder.id },
  };
}

function tokenizerConfig(encoder: BertEncoder): Record<string, unknown> {
  const n = encoder.tokenizer.normalizer;
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: n?.lowercase ?? false,
    tokenize_chinese_chars: n?.handleChineseChars ?? true,
    strip_accents: n?.stripAccents ?? null,
    model_max_length: encoder.maxSeqLength,
    unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]',
  };
}

/** The export folder: file path → bytes. */
export async function hfClassifierFiles(input: HfExportInput): Promise<Record<string, Uint8Array>> {
  const { encoder, head } = input;
  const h = encoder.dim;
  const n = head.labels.length;
  if (head.kernel.length !== h * n || head.bias.length !== n) {
    throw new FormatError('invalid-argument', `head: kernel must be [${h}, ${n}] and bias [${n}] for ${n} labels; received ${head.kernel.length} and ${head.bias.length} values`);
  }
  const tensors: SafetensorsTensor[] = (await encoder.hfWeights()).map((w) => ({ name: `bert.${w.name}`, dtype: 'F32', shape: w.shape, data: w.data }));
  if (!encoder.pooler) {
    const eye = new Float32Array(h * h);
    for (let i = 0; i < h; i++) eye[i * h + i] = 1;
    tensors.push({ name: 'bert.pooler.dense.weight', dtype: 'F32', shape: [h, h], data: eye }, { name: 'bert.pooler.dense.bias', dtype: 'F32', shape: [h], data: new Float32Array(h) });
  }
  tensors.push({ name: 'classifier.weight', dtype: 'F32', shape: [n, h], data: transpose2d(head.kernel, h, n) });
  tensors.push({ name: 'classifier.bias', dtype: 'F32', shape: [n], data: head.bias.slice() });
  const json = (v: unknown) => strToU8(JSON.stringify(v, null, 2) + '\n');
  const files: Record<string, Uint8Array> = {
    'config.json': json(configJson(encoder, head.labels)),
    'model.safetensors': encodeSafetensors(tensors, { format: 'pt' }),
    'vocab.txt': strToU8(encoder.tokenizer.vocabText()),
    'tokenizer_config.json': json(tokenizerConfig(encoder)),
    'special_tokens_map.json': json({ unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]' }),
    'train.py': strToU8(TRAIN_PY),
  };
  if (input.tokenizerJson !== undefined) files['tokenizer.json'] = json(input.tokenizerJson);
  if (input.trainingData) {
    const { texts, labels } = input.trainingData;
    // Formula-escaped like every CSV we write; train.py undoes it (csv-write.ts).
    files['train.csv'] = strToU8(toCsv(['text', 'label'], texts.map((t, i) => [t, labels[i]!])));
  }
  return files;
}

export async function exportHfClassifier(input: HfExportInput): Promise<Uint8Array> {
  // Weights barely compress; store them, deflate the text files.
  const files = await hfClassifierFiles(input);
  return zipSync(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, [b, { level: p.endsWith('.safetensors') ? 0 : 6 }]])));
}

export interface ImportedClassifier {
  encoder: BertEncoder;
  head: LinearHead;
  config: unknown;
}

/**
 * Reads a BertForSequenceClassification folder (path → bytes) or its zip. Pooling comes from the
 * "texttune" field when we wrote the export; any other fine-tuned BERT classifier pools as
 * transformers does (tanh pooler on [CLS]), so its predictions match transformers'.
 */
export async function importHfClassifier(source: Uint8Array | Record<string, Uint8Array>, options: { id?: string } = {}): Promise<ImportedClassifier> {
  let files = source instanceof Uint8Array ? unzipOrThrow(source) : source;
  // A zipped folder: strip the one top-level directory.
  if (!files['config.json']) {
    const top = Object.keys(files).find((p) => p.endsWith('/config.json') && p.split('/').length === 2);
    if (top) {
      const dir = top.slice(0, -'config.json'.length);
      files = Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(dir)).map(([p, b]) => [p.slice(dir.length), b]));
    }
  }
  const need = (p: string) => {
    if (!files[p]) throw new FormatError('invalid-model', `import: ${p} is missing; found ${Object.keys(files).join(', ') || 'no files'}`);
    return files[p];
  };
  const config = JSON.parse(strFromU8(need('config.json'))) as Record<string, unknown>;
  const weights = safetensorsMap(need('model.safetensors'));
  const classifier = weights.get('classifier.weight');
  const bias = weights.get('classifier.bias');
  const bert = parseBertConfig(config);
  if (!classifier || !bias || classifier.shape.length !== 2 || classifier.shape[1] !== bert.hidden || bias.shape[0] !== classifier.shape[0]) {
    throw new FormatError('invalid-model', `import: model.safetensors needs classifier.weight [num_labels, ${bert.hidden}] and classifier.bias [num_labels]; found ${classifier ? `[${classifier.shape}]` : 'none'}`);
  }
  const numLabels = classifier.shape[0];
  // id2label (distinct strings) and texttune.pooling (a known mode) checked before anything is built.
  const checked = hfClassifierConfig(config, numLabels);
  const labels = checked.labels;
  const tokenizer = bertTokenizer({
    tokenizerJson: files['tokenizer.json'] ? JSON.parse(strFromU8(files['tokenizer.json'])) : undefined,
    vocab: files['vocab.txt'] ? strFromU8(files['vocab.txt']) : undefined,
    tokenizerConfig: files['tokenizer_config.json'] ? JSON.parse(strFromU8(files['tokenizer_config.json'])) : undefined,
  });
  const encoder = new BertEncoder(bert, weights, tokenizer, {
    id: options.id,
    pooling: checked.pooling ?? { mode: 'pooler', normalize: false },
    maxSeqLength: checked.maxSeqLength,
  });
  await encoder.rehash();
  const head = { kernel: transpose2d(classifier.data as Float32Array, numLabels, bert.hidden), bias: Float32Array.from(bias.data), labels };
  return { encoder, head, config };
}

/** The files of a Hugging Face classifier folder TextTune reads; anything else in a zip stays packed. */
export const HF_IMPORT_FILES = ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

/** Member names we read: the files above, at the top or under one folder. Caps checked before inflating (zip.ts). */
export function unzipHfFolder(bytes: Uint8Array): Record<string, Uint8Array> {
  return readZip(bytes, 'import', (name) => {
    const parts = name.split('/');
    return parts.length <= 2 && HF_IMPORT_FILES.includes(parts[parts.length - 1]!);
  });
}

function unzipOrThrow(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipHfFolder(bytes);
}
