// Differentiable building blocks shared by the encoders, with gradients written so every matmul
// runs untransposed: tfjs-backend-wasm's BatchMatMul with transposeA/transposeB is ~25× slower
// than without (measured: 3.0 s vs 0.12 s for 2048×512 · 512×1536), and its default gradients
// use exactly those flags. An explicit transpose is memory-bound and cheap in comparison.
import * as tf from '@tensorflow/tfjs-core';
import { isRecordingGradients } from '../tfjs-internals';

type GradFn = Parameters<typeof tf.customGrad>[0];

/** The rows of `table` at `ids`. GatherNd, not GatherV2: tfjs-backend-wasm's GatherV2 walks every
 * element through generic strides (0.38 ms for 48 rows × 256), GatherNd copies rows (0.04 ms). */
function gatherRows(table: tf.Tensor, ids: tf.Tensor): tf.Tensor2D {
  return tf.gatherND(table, tf.expandDims(ids, 1)) as tf.Tensor2D;
}

/**
 * The rows of table at ids, whose gradient is a scatter-add into the table. tfjs differentiates
 * gather with UnsortedSegmentSum, which the WASM backend does not have; ScatterNd (which sums
 * duplicate ids) exists on WASM, WebGPU, WebGL and CPU.
 */
const embeddingLookupGrad = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: gatherRows(table, ids),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [savedIds] = saved;
      return [tf.scatterND(tf.expandDims(savedIds, 1), dy as tf.Tensor, table.shape), tf.zerosLike(savedIds)];
    },
  };
}) as GradFn) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor2D;

/** table[ids] (ids 1-D int32, each in 0..rows−1) → [ids, width]; differentiable in the table. */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor2D {
  // Outside a tape the custom-gradient wrapper only costs, as in dense().
  return isRecordingGradients() ? embeddingLookupGrad(table, ids) : gatherRows(table, ids);
}

function denseGrad(relu: boolean) {
  return tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, w, y] : [x, w]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as tf.Tensor2D[];
        const g = relu ? tf.mul(dy as tf.Tensor2D, tf.step(sy)) : (dy as tf.Tensor2D);
        return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
      },
    };
  }) as GradFn) as (x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
}

const denseLinear = denseGrad(false);
const denseRelu = denseGrad(true);

/** x·W + b (W stored [in, out]), optionally ReLU'd, in one fused kernel; fast gradients. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor, activation?: 'relu'): tf.Tensor2D {
  // Outside a tape the custom-gradient wrapper only costs (it keeps its saved tensors): ~10%.
  if (!isRecordingGradients()) return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias, activation }) as tf.Tensor2D;
  return activation === 'relu' ? denseRelu(x, kernel, bias) : denseLinear(x, kernel, bias);
}


/** Layer normalisation over the last axis: γ·(x − μ)/√(σ² + ε) + β. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta) as tf.Tensor2D;
}

export interface AttentionShape {
  batch: number;
  seq: number;
  heads: number;
  headDim: number;
  /** Multiplies the queries (1/√headDim, or the graph's own constant). */
  queryScale: number;
}

/**
 * Multi-head scaled dot-product attention on token rows: q, k, v [batch·seq, heads·headDim] →
 * [batch·seq, heads·headDim]; `bias` [batch, 1, 1, seq] is added to the scores (padding keys get a
 * large negative bias).
 */
export function attention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, bias: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  if (oneTextPath(s)) return attentionOneText(tf.concat([q, k, v], 1), bias, s);
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [s.batch, s.seq, s.heads, s.headDim]), [0, 2, 1, 3]);
  return attentionByHead(split(q), split(k), split(v), bias, s);
}

/**
 * attention() on the fused projection qkv [batch·seq, 3·heads·headDim] (queries ‖ keys ‖ values):
 * the one-text path takes each head straight out of it, without splitting it first.
 */
export function attentionFused(qkv: tf.Tensor2D, bias: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  if (oneTextPath(s)) return attentionOneText(qkv, bias, s);
  const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
  return attention(q!, k!, v!, bias, s);
}

/** attention() from q, k, v already in [batch, heads, seq, headDim] order. */
function attentionByHead(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  const scores = tf.add(tf.matMul(tf.mul(q, s.queryScale), k, false, true), bias);
  const context = tf.matMul(tf.softmax(scores), v);
  return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [s.batch * s.seq, s.heads * s.headDim]) as tf.Tensor2D;
}

function oneTextPath(s: AttentionShape): boolean {
  return s.batch === 1 && wasmInference();
}

/**
 * attention() for one text on the WASM backend, as 2-D matmuls per head, from qkv [seq, 3·width].
 * Why: tfjs-backend-wasm runs a BatchMatMul with a batch dimension (the heads) or a transposed
 * operand as a plain single-threaded loop, while a 2-D product without flags goes to XNNPACK; and
 * each per-head piece is one block of a transposed copy (two Transposes per layer), taken by
 * takeBlock rather than tf.slice or tf.split (each a copy of the whole input on WASM). Measured
 * (Node, 1 thread, 4 heads × 128): 39 tokens 1.50 → 0.63 ms per layer, 128 tokens 15.2 → 2.5 ms.
 * Typing in the playground embeds one text at a time, so this is its path. Not for batches
 * (slicing per text and head costs more than it saves there: 33 → 400 ms at 32 × 32 tokens), nor
 * under a gradient tape (training keeps the one tested path).
 */
function attentionOneText(qkv: tf.Tensor2D, bias: tf.Tensor, s: AttentionShape): tf.Tensor2D {
  const { seq, heads, headDim } = s;
  const parts = tf.reshape(qkv, [seq, 3 * heads, headDim]);
  // [3·heads, seq, headDim]: each head's queries and values are one block ...
  const byHead = tf.transpose(parts, [1, 0, 2]);
  // ... and [3·heads, headDim, seq]: each head's keys, transposed, are one block (the query scale
  // goes on the keys here, once for all heads).
  const byHeadT = tf.mul(tf.transpose(parts, [1, 2, 0]), s.queryScale);
  // A fresh rank-1 buffer: the WASM FusedMatMul checks the rank a bias buffer was created with,
  // and a reshape keeps the buffer (and rank) of its input.
  const keyBias = tf.mul(tf.reshape(bias, [seq]), 1);
  const block = (t: tf.Tensor, i: number, rows: number, cols: number) => tf.reshape(takeBlock(t, i), [rows, cols]) as tf.Tensor2D;
  const out: tf.Tensor2D[] = [];
  for (let h = 0; h < heads; h++) {
    // The padding bias rides on the product as its per-column bias (one kernel).
    const scores = tf.fused.matMul({ a: block(byHead, h, seq, headDim), b: block(byHeadT, heads + h, headDim, seq), bias: keyBias });
    out.push(tf.matMul(tf.softmax(scores), block(byHead, 2 * heads + h, seq, headDim)));
  }
  return tf.concat(out, 1);
}

/**
 * x[i] (the i-th block along the first axis). On WASM outside a gradient tape it is copied in
 * C++ by GatherNd, not by tf.slice: tfjs-backend-wasm's Slice first copies the whole input out of
 * the WASM heap into a new JavaScript buffer (its readSync), then the block row by row. Under a
 * tape, tf.slice (tfjs has no gradient for GatherNd).
 */
export function takeBlock(x: tf.Tensor, i: number): tf.Tensor {
  if (!wasmInference()) return tf.squeeze(tf.slice(x, [i], [1]), [0]);
  return tf.reshape(tf.gatherND(x, tf.tensor2d([i], [1, 1], 'int32')), x.shape.slice(1));
}

/** The first `n` rows of x, copied as takeBlock copies. */
export function firstRows(x: tf.Tensor, n: number): tf.Tensor2D {
  if (n === x.shape[0]) return x as tf.Tensor2D;
  if (!wasmInference()) return tf.slice(x, [0, 0], [n, -1]) as tf.Tensor2D;
  return tf.gatherND(x, tf.expandDims(tf.range(0, n, 1, 'int32'), 1)) as tf.Tensor2D;
}

function wasmInference(): boolean {
  return tf.getBackend() === 'wasm' && !isRecordingGradients();
}

/** The additive attention bias of a padding mask [batch, seq] (1 = token): 0 on tokens, `padBias` on padding. */
export function paddingBias(mask: tf.Tensor2D, padBias: number): tf.Tensor4D {
  const [batch, seq] = mask.shape;
  return tf.reshape(tf.mul(tf.sub(1, mask), padBias), [batch, 1, 1, seq]);
}

/** Σ over the tokens of x [batch, seq, d] where mask [batch, seq] is 1 → [batch, d]. */
export function maskedSum(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.mul(x, tf.expandDims(mask, 2)), 1);
}

/** Mean over the tokens of x [batch, seq, d] where mask is 1; an empty row pools to 0. */
export function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.div(maskedSum(x, mask), tf.maximum(tf.sum(mask, 1, true), 1));
}

/** Each row divided by its L2 norm, the squared norm floored at `epsilonSquared` (zero rows stay 0). */
export function l2Normalize(x: tf.Tensor2D, epsilonSquared: number): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), epsilonSquared)));
}
