// Fine-tuning time estimates from measured step times. Pure arithmetic: the worker measures
// one real step on the running backend; these turn it into a run's duration.
import { TrainError } from './errors';

export interface StepTimings {
  /** Seconds of one training step (forward + backward + update) on a batch of batchSize rows. */
  stepSeconds: number;
  /** Seconds of one forward-only validation batch. */
  evalBatchSeconds: number;
}

export interface RunShape {
  trainRows: number;
  valRows: number;
  batchSize: number;
  epochs: number;
}

export interface FineTuneTimeEstimate {
  stepsPerEpoch: number;
  evalBatchesPerEpoch: number;
  totalSeconds: number;
}

export function estimateFineTuneSeconds(t: StepTimings, shape: RunShape): FineTuneTimeEstimate {
  for (const [name, v] of Object.entries(shape)) {
    if (!Number.isInteger(v) || v < (name === 'valRows' ? 0 : 1)) throw new TrainError('invalid-argument', `${name} must be a positive integer; received ${v}`);
  }
  for (const [name, v] of Object.entries(t)) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new TrainError('invalid-argument', `${name} must be a finite number ≥ 0; received ${v}`);
  }
  const stepsPerEpoch = Math.ceil(shape.trainRows / shape.batchSize);
  const evalBatchesPerEpoch = Math.ceil(shape.valRows / shape.batchSize);
  // Every epoch ends with a validation pass (early stopping needs it); the final restore adds one more.
  const totalSeconds = shape.epochs * (stepsPerEpoch * t.stepSeconds + evalBatchesPerEpoch * t.evalBatchSeconds) + evalBatchesPerEpoch * t.evalBatchSeconds;
  return { stepsPerEpoch, evalBatchesPerEpoch, totalSeconds };
}

/**
 * Indices of batchSize rows around the median length: training batches are length-bucketed,
 * so a median-length batch is what a typical step pads to (the longest would overstate it).
 */
export function medianLengthBatch(lengths: ArrayLike<number>, batchSize: number): number[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TrainError('invalid-argument', `batchSize must be a positive integer; received ${batchSize}`);
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const size = Math.min(batchSize, order.length);
  const start = Math.max(0, Math.min(order.length - size, Math.floor(order.length / 2) - Math.floor(size / 2)));
  return order.slice(start, start + size);
}
