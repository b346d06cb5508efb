// Differentiable building blocks shared by the encoders, with gradients written so every matmul
// runs untransposed: tfjs-backend-wasm's BatchMatMul with transposeA/transposeB is ~25× slower
// than without (measured: 3.0 s vs 0.12 s for 2048×512 · 512×1536), and its default gradients
// use exactly those flags. An explicit transpose is memory-bound and cheap in comparison.
import * as tf from '@tensorflow/tfjs-core';
import { isRecordingGradients } from '../tfjs-internals';

type GradFn = Parameters<typeof tf.customGrad>[0];

/**
 * gather(table, ids) whose gradient is a scatter-add into the table. tfjs differentiates gather
 * with UnsortedSegmentSum, which the WASM backend does not have; ScatterNd (which sums duplicate
 * ids) exists on WASM, WebGPU, WebGL and CPU.
 */
export const embeddingLookup = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [savedIds] = saved;
      return [tf.scatterND(tf.expandDims(savedIds, 1), dy as tf.Tensor, table.shape), tf.zerosLike(savedIds)];
    },
  };
}) as GradFn) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor2D;

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
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [s.batch, s.seq, s.heads, s.headDim]), [0, 2, 1, 3]);
  const scores = tf.add(tf.matMul(tf.mul(split(q), s.queryScale), split(k), false, true), bias);
  const context = tf.matMul(tf.softmax(scores), split(v));
  return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [s.batch * s.seq, s.heads * s.headDim]) as tf.Tensor2D;
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
