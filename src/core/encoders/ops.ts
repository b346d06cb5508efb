// Differentiable building blocks shared by the encoders, with gradients written so every matmul
// runs untransposed: tfjs-backend-wasm's BatchMatMul with transposeA/transposeB is ~25× slower
// than without (measured: 3.0 s vs 0.12 s for 2048×512 · 512×1536), and its default gradients
// use exactly those flags. An explicit transpose is memory-bound and cheap in comparison.
import * as tf from '@tensorflow/tfjs-core';

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

/** Whether a gradient tape is recording (inside tf.grads / variableGrads / optimizer.minimize). */
function recording(): boolean {
  return (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape != null;
}

/** x·W + b (W stored [in, out]), optionally ReLU'd, in one fused kernel; fast gradients. */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor, activation?: 'relu'): tf.Tensor2D {
  // Outside a tape the custom-gradient wrapper only costs (it keeps its saved tensors): ~10%.
  if (!recording()) return tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias, activation }) as tf.Tensor2D;
  return activation === 'relu' ? denseRelu(x, kernel, bias) : denseLinear(x, kernel, bias);
}

