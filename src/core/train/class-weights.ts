// "Balanced" class weights (sklearn's definition): w_c = n / (k · count_c), so every
// present class contributes the same total weight to the loss however rare it is.
import { TrainError } from './errors';

/**
 * k counts the classes present in `labels`; a class with no rows gets weight 0
 * (it never appears in a batch, so the value is never used).
 */
export function balancedClassWeights(labels: ArrayLike<number>, numClasses: number): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new TrainError('invalid-argument', `balancedClassWeights: numClasses must be a positive integer, got ${numClasses}`);
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new TrainError('invalid-argument', `balancedClassWeights: labels[${i}] must be an integer in [0, ${numClasses}), got ${y}`);
    }
    counts[y]!++;
  }
  const k = counts.filter((c) => c > 0).length;
  return Float32Array.from(counts, (c) => (c === 0 ? 0 : labels.length / (k * c)));
}
