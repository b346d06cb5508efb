// Classification metrics on plain arrays (no tensors), so they are exact and cheap to test.
import { TrainError } from './errors';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true rows of this class. */
  support: number;
}

export interface Metrics {
  accuracy: number;
  /**
   * Mean F1 over the classes that occur in yTrue or yPred. A class absent from both
   * (e.g. a single-row class kept out of validation by the split) has F1 0 in
   * `perClass` but is left out of the mean, or it would cap macro-F1 below 1.
   */
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted]. */
  confusion: number[][];
}

export function evaluate(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): Metrics {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new TrainError('invalid-argument', `evaluate: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (yTrue.length !== yPred.length) {
    throw new TrainError('invalid-argument', `evaluate: yTrue has ${yTrue.length} entries but yPred has ${yPred.length}`);
  }
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    for (const [name, v] of [['yTrue', t], ['yPred', p]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
        throw new TrainError('invalid-argument', `evaluate: ${name}[${i}] must be an integer in [0, ${numClasses}), got ${v}`);
      }
    }
    confusion[t]![p]!++;
  }
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c]![c]!;
    correct += tp;
    const support = confusion[c]!.reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, row) => s + row[c]!, 0);
    // 0/0 is defined as 0 everywhere (sklearn's zero_division=0).
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ precision, recall, f1, support });
    if (support > 0 || predicted > 0) {
      f1Sum += f1;
      present++;
    }
  }
  return {
    accuracy: yTrue.length === 0 ? 0 : correct / yTrue.length,
    macroF1: present === 0 ? 0 : f1Sum / present,
    perClass,
    confusion,
  };
}
