// BERT-family encoder (BERT, MiniLM, bge, e5: transformers' BertModel) as batched tfjs ops.
//
//   x   = LN(word[ids] + position[t] + token_type[0])                         embeddings
//   layer (post-LN):  y = LN(x + Wo·MHA(x)),  x = LN(y + W2·gelu(W1·y))        encoder.layer.{i}
//   out = pool(x): mean over the mask | x[CLS] | tanh(Wp·x[CLS])               (bert-config.ts)
//   out = out / ‖out‖ only when the model's sentence-transformers config has a Normalize module.
//
// Weights are taken by their Hugging Face names (with or without the "bert." prefix), every shape
// asserted. The tensors we transpose: every Linear weight (*.dense.weight, query/key/value.weight),
// torch's [out, in] → [in, out], once on load (and back in hfWeights()): plain x·W matmuls are
// faster, and tfjs-backend-wasm 4.22's fused matMul adds the bias wrongly when transposeB is set.
// Padding keys get an attention bias of -1e9 (HF: finfo.min).
// Texts longer than maxSeqLength tokens are truncated (the [SEP] kept), as transformers does.

import * as tf from '@tensorflow/tfjs-core';
import { assertFiniteWeights, decodeSafetensors, type DecodedTensor } from '../formats/safetensors';
import { chunkTokens, windowSpan } from '../tokenizers/batch';
import { wordPieceFromTokenizerJson, wordPieceFromVocab, type WordPieceTokenizer } from '../tokenizers/wordpiece';
import { DEFAULT_POOLING, parseBertConfig, type BertConfig, type BertPooling } from './bert-config';
import type { LongTextOptions } from './types';
import { EncoderBase, meanOfWindows } from './base';
import { attention, dense, embeddingLookup, firstRows, l2Normalize, layerNorm, maskedMean, paddingBias } from './ops';
import { WeightsError } from './weights';
import { ArgumentError } from '../errors';

export interface BertLayer {
  query: Dense;
  key: Dense;
  value: Dense;
  attentionOut: Dense;
  attentionNorm: Norm;
  intermediate: Dense;
  output: Dense;
  outputNorm: Norm;
}
interface Dense {
  weight: tf.Variable;
  bias: tf.Variable;
}
interface Norm {
  gamma: tf.Variable;
  beta: tf.Variable;
}

export interface BertOptions {
  /** Encoder id (e.g. "hf:BAAI/bge-small-en-v1.5@main"); default "bert". */
  id?: string;
  /** Tokens per text including [CLS]/[SEP]; default min(tokenizer limit, max_position_embeddings). */
  maxSeqLength?: number;
  pooling?: BertPooling;
}

const MASK_BIAS = -1e9;

export class BertEncoder extends EncoderBase {
  readonly id: string;
  readonly dim: number;
  readonly numLayers: number;
  readonly maxSeqLength: number;
  readonly pooling: BertPooling;
  readonly tokenizerName: string;
  /** Tensors in the file that are not BertModel's (cls.*, classifier.*, position_ids). */
  readonly ignoredTensors: string[];

  private readonly word: tf.Variable;
  private readonly position: tf.Variable;
  private readonly tokenType: tf.Variable;
  private readonly embeddingNorm: Norm;
  private readonly layers: BertLayer[] = [];
  /** Absent in some checkpoints; only 'pooler' pooling needs it. */
  readonly pooler: Dense | null;

  constructor(
    readonly config: BertConfig,
    weights: ReadonlyMap<string, DecodedTensor>,
    readonly tokenizer: WordPieceTokenizer,
    options: BertOptions = {},
  ) {
    super();
    const h = config.hidden;
    this.id = options.id ?? 'bert';
    this.dim = h;
    this.numLayers = config.layers;
    this.pooling = options.pooling ?? { ...DEFAULT_POOLING };
    this.tokenizerName = `wordpiece (${tokenizer.vocabSize} tokens${tokenizer.normalizer?.lowercase ? ', lowercased' : ''})`;
    const limit = Math.min(config.maxPositions, tokenizer.maxLength ?? config.maxPositions);
    this.maxSeqLength = options.maxSeqLength ?? limit;
    if (!Number.isInteger(this.maxSeqLength) || this.maxSeqLength < 2 || this.maxSeqLength > config.maxPositions) {
      throw new ArgumentError(`maxSeqLength must be an integer in 2..${config.maxPositions} (max_position_embeddings); received ${options.maxSeqLength}`);
    }
    if (tokenizer.vocabSize > config.vocabSize) {
      throw new WeightsError('shape', `the tokenizer has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocabSize}`);
    }

    const prefix = weights.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
    const used = new Set<string>();
    const variable = (name: string, shape: number[], transpose = false): tf.Variable => {
      const t = weights.get(prefix + name);
      if (!t) throw new WeightsError('missing', `weight "${prefix}${name}" is missing from model.safetensors`);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new WeightsError('shape', `weight "${prefix}${name}" has shape [${t.shape}]; config.json implies [${shape}]`);
      }
      used.add(prefix + name);
      const data = transpose ? transpose2d(t.data as Float32Array, shape[0], shape[1]) : (t.data as Float32Array);
      return this.addParam(name, data, transpose ? [shape[1], shape[0]] : shape, { transposed: transpose });
    };
    const dense = (name: string, out: number, inp: number): Dense => ({ weight: variable(`${name}.weight`, [out, inp], true), bias: variable(`${name}.bias`, [out]) });
    const norm = (name: string): Norm => ({ gamma: variable(`${name}.weight`, [h]), beta: variable(`${name}.bias`, [h]) });

    try {
      this.word = variable('embeddings.word_embeddings.weight', [config.vocabSize, h]);
      this.position = variable('embeddings.position_embeddings.weight', [config.maxPositions, h]);
      this.tokenType = variable('embeddings.token_type_embeddings.weight', [config.typeVocabSize, h]);
      this.embeddingNorm = norm('embeddings.LayerNorm');
      for (let l = 0; l < config.layers; l++) {
        const p = `encoder.layer.${l}.`;
        this.layers.push({
          query: dense(`${p}attention.self.query`, h, h),
          key: dense(`${p}attention.self.key`, h, h),
          value: dense(`${p}attention.self.value`, h, h),
          attentionOut: dense(`${p}attention.output.dense`, h, h),
          attentionNorm: norm(`${p}attention.output.LayerNorm`),
          intermediate: dense(`${p}intermediate.dense`, config.intermediate, h),
          output: dense(`${p}output.dense`, h, config.intermediate),
          outputNorm: norm(`${p}output.LayerNorm`),
        });
      }
      this.pooler = weights.has(`${prefix}pooler.dense.weight`) ? dense('pooler.dense', h, h) : null;
      if (this.pooling.mode === 'pooler' && !this.pooler) throw new WeightsError('missing', `pooling "pooler" needs ${prefix}pooler.dense.weight, which model.safetensors lacks`);
      // Nothing silent: a BertModel tensor we did not place means we misread the architecture.
      const body = new RegExp(`^${prefix.replace('.', '\\.')}(embeddings|encoder|pooler)\\.`);
      const unused = [...weights.keys()].filter((n) => !used.has(n) && body.test(n) && !n.endsWith('position_ids'));
      if (unused.length > 0) throw new WeightsError('unused', `model.safetensors holds BERT weights this encoder does not use: ${unused.slice(0, 8).join(', ')}`);
      this.ignoredTensors = [...weights.keys()].filter((n) => !used.has(n));
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /** Differentiable forward pass: ids [B, T] int32, mask [B, T] float32 (1 = token) → [B, dim]. */
  forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    const [batch, seq] = ids.shape;
    if (seq > this.config.maxPositions) throw new ArgumentError(`ids has ${seq} positions; max_position_embeddings is ${this.config.maxPositions}`);
    return tf.tidy(() => {
      const h = this.dim;
      const words = embeddingLookup(this.word, tf.reshape(ids, [-1]));
      const positions = tf.tile(firstRows(this.position, seq), [batch, 1]);
      const type0 = tf.slice(this.tokenType, [0, 0], [1, h]);
      let x = this.layerNorm(tf.add(tf.add(words, positions), type0), this.embeddingNorm);
      const bias = paddingBias(mask, MASK_BIAS);
      for (const layer of this.layers) x = this.layer(layer, x, bias, batch, seq);
      return this.pool(tf.reshape(x, [batch, seq, h]), mask);
    });
  }

  private layer(p: BertLayer, x: tf.Tensor2D, bias: tf.Tensor, batch: number, seq: number): tf.Tensor2D {
    const heads = this.config.heads;
    const headDim = this.dim / heads;
    const merged = attention(linear(x, p.query), linear(x, p.key), linear(x, p.value), bias, { batch, seq, heads, headDim, queryScale: 1 / Math.sqrt(headDim) });
    const y = this.layerNorm(tf.add(linear(merged, p.attentionOut), x), p.attentionNorm);
    const inner = this.activation(linear(y, p.intermediate)) as tf.Tensor2D;
    return this.layerNorm(tf.add(linear(inner, p.output), y), p.outputNorm);
  }

  private activation(x: tf.Tensor2D): tf.Tensor2D {
    switch (this.config.activation) {
      case 'gelu':
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
      case 'gelu_tanh': {
        const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
        return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
      }
      case 'relu':
        return tf.relu(x);
    }
  }

  private layerNorm(x: tf.Tensor, p: Norm): tf.Tensor2D {
    return layerNorm(x, p.gamma, p.beta, this.config.layerNormEps);
  }

  private pool(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
    let out: tf.Tensor2D;
    if (this.pooling.mode === 'mean') {
      out = maskedMean(x, mask);
    } else {
      const cls = tf.reshape(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [-1, this.dim]) as tf.Tensor2D;
      out = this.pooling.mode === 'cls' ? cls : tf.tanh(linear(cls, this.pooler!));
    }
    if (!this.pooling.normalize) return out;
    // sentence-transformers' Normalize: x / max(‖x‖, 1e-12).
    return l2Normalize(out, 1e-24);
  }

  /** [CLS] pieces [SEP], the pieces cut so the whole fits maxSeqLength (the [SEP] is kept). */
  encodeIds(text: string): number[] {
    return this.tokenizer.encode(text, { maxLength: this.maxSeqLength }).ids;
  }

  /** Unknown pieces ([UNK]) among the first window's, [CLS]/[SEP] left out. */
  unknownShare(text: string): number {
    const ids = this.encodeIds(text).slice(1, -1);
    return ids.length === 0 ? 0 : ids.filter((id) => id === this.tokenizer.unkId).length / ids.length;
  }

  /**
   * Token ids of each text after the long-text policy: 'chunk' splits the pieces into windows of
   * maxSeqLength − 2 and wraps each in [CLS] … [SEP] (at most maxWindows; the rest is dropped).
   */
  tokenize(texts: string[]): number[][] {
    return texts.map((t) => this.encodeIds(t));
  }

  windowIds(texts: string[], longText: LongTextOptions = { policy: 'truncate', maxWindows: 1 }): { windows: number[][]; owner: Int32Array } {
    const windows: number[][] = [];
    const owners: number[] = [];
    const inner = this.maxSeqLength - 2;
    texts.forEach((text, i) => {
      if (longText.policy !== 'chunk' || longText.maxWindows <= 1) {
        windows.push(this.encodeIds(text));
        owners.push(i);
        return;
      }
      const ids = this.tokenizer.encode(text, { maxLength: windowSpan(inner, longText) + 2 }).ids;
      const [first, last] = [ids[0]!, ids[ids.length - 1]!];
      const body = ids.slice(1, -1);
      if (body.length <= inner) {
        windows.push(ids);
        owners.push(i);
        return;
      }
      for (const part of chunkTokens(body, inner, longText.maxWindows, longText.overlap ?? 0)) {
        windows.push([first, ...part, last]);
        owners.push(i);
      }
    });
    return { windows, owner: Int32Array.from(owners) };
  }

  /** The windows' mean, re-normalised when the model normalises its embeddings. */
  protected poolWindows(sums: Float32Array, counts: Int32Array): void {
    meanOfWindows(sums, counts, this.dim, this.pooling.normalize);
  }

  /** Top k layers (+ the pooler when pooling uses it); k = numLayers adds the embeddings. */
  trainableVariables(k: number): tf.Variable[] {
    if (!Number.isInteger(k) || k < 0 || k > this.numLayers) throw new ArgumentError(`k must be an integer in 0..${this.numLayers}; received ${k}`);
    if (k === 0) return [];
    const vars: tf.Variable[] = [];
    if (this.pooling.mode === 'pooler' && this.pooler) vars.push(this.pooler.weight, this.pooler.bias);
    for (const p of this.layers.slice(this.numLayers - k)) {
      for (const d of [p.query, p.key, p.value, p.attentionOut, p.intermediate, p.output]) vars.push(d.weight, d.bias);
      for (const n of [p.attentionNorm, p.outputNorm]) vars.push(n.gamma, n.beta);
    }
    if (k === this.numLayers) vars.push(this.word, this.position, this.tokenType, this.embeddingNorm.gamma, this.embeddingNorm.beta);
    return vars;
  }

  /** Every weight in Hugging Face's layout (Linear weights [out, in]), for safetensors export. */
  async hfWeights(): Promise<{ name: string; shape: number[]; data: Float32Array }[]> {
    const out: { name: string; shape: number[]; data: Float32Array }[] = [];
    for (const p of this.params) {
      const data = (await p.variable.data()) as Float32Array;
      const [a, b] = p.variable.shape;
      out.push(p.transposed ? { name: p.name, shape: [b, a], data: transpose2d(data, a, b) } : { name: p.name, shape: p.variable.shape.slice(), data: data.slice() });
    }
    return out;
  }
}

/** x·W + b (W stored [in, out]) in one fused kernel, with untransposed-matmul gradients (ops.ts). */
function linear(x: tf.Tensor2D, d: Dense): tf.Tensor2D {
  return dense(x, d.weight, d.bias);
}

/** Row-major [rows, cols] → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

export interface BertFiles {
  /** Parsed config.json. */
  config: unknown;
  /** Parsed tokenizer.json; or vocab (vocab.txt text) + tokenizerConfig (tokenizer_config.json). */
  tokenizerJson?: unknown;
  vocab?: string;
  tokenizerConfig?: unknown;
  safetensors: Uint8Array;
  /** From the sentence-transformers files (poolingFromSentenceTransformers); default mean, no normalisation. */
  pooling?: BertPooling;
}

export function bertTokenizer(files: Pick<BertFiles, 'tokenizerJson' | 'vocab' | 'tokenizerConfig'>): WordPieceTokenizer {
  if (files.tokenizerJson !== undefined) return wordPieceFromTokenizerJson(files.tokenizerJson);
  if (files.vocab !== undefined) return wordPieceFromVocab(files.vocab, files.tokenizerConfig);
  throw new WeightsError('missing', 'a BERT model needs tokenizer.json or vocab.txt; neither was given');
}

/** Decoded tensors by name (F16/BF16/F64 widened to float32 by the safetensors reader). */
export function safetensorsMap(bytes: Uint8Array): Map<string, DecodedTensor> {
  const { tensors } = decodeSafetensors(bytes);
  assertFiniteWeights(tensors, 'model.safetensors');
  return new Map(tensors.map((t) => [t.name, t]));
}

/** Loads a BERT-family encoder from Hugging Face files; asserts every name and shape. */
export async function loadBert(files: BertFiles, options: BertOptions = {}): Promise<BertEncoder> {
  const weights = safetensorsMap(files.safetensors);
  const encoder = new BertEncoder(parseBertConfig(files.config), weights, bertTokenizer(files), { pooling: files.pooling, ...options });
  encoder.weightsHash = await encoder.rehash();
  return encoder;
}
