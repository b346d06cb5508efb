// Something made from tensors' current values (a CPU copy of weights, packed kernels), kept until
// any of them is assigned: tfjs gives a tensor a new dataId on every assign (Variable.assign,
// optimizer steps, setWeights), so comparing dataIds tells whether the copy is still those values.
import type * as tf from '@tensorflow/tfjs-core';

export class TensorSnapshot<T> {
  private dataIds: readonly object[] | null = null;
  private value: T | undefined;

  /** The value made from `tensors`, made again (by `make`) when any of them was assigned since. */
  get(tensors: readonly tf.Tensor[], make: () => T): T {
    const ids = tensors.map((t) => t.dataId as object);
    const known = this.dataIds;
    if (!known || known.length !== ids.length || ids.some((d, i) => d !== known[i])) {
      this.value = make();
      this.dataIds = ids;
    }
    return this.value as T;
  }

  clear(): void {
    this.dataIds = null;
    this.value = undefined;
  }
}
