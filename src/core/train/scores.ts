// The few rules every training loop and every candidate share, defined once: the predicted class
// (argmax), the clamp that keeps a log-loss finite, which of two validation scores is better, and
// the best-epoch / early-stopping bookkeeping of the epoch loops (head.ts, finetune-run.ts).

/** The predicted class of row i of row-major probabilities [n, k] (the first one on a tie). */
export function argmaxRow(probs: ArrayLike<number>, i: number, k: number): number {
  let arg = 0;
  for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + arg]!) arg = c;
  return arg;
}

/** The predicted class of every row of row-major probabilities [n, k]. */
export function argmaxRows(probs: ArrayLike<number>, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(probs, i, k);
  return out;
}

/**
 * Probabilities are floored here before the log: one confidently wrong row would otherwise make
 * the loss Infinity and every comparison of losses meaningless (−log 1e-7 ≈ 16.1).
 */
export const PROBABILITY_FLOOR = 1e-7;

/** −log p of one true-class probability, floored. */
export function rowLoss(p: number): number {
  return -Math.log(Math.max(p, PROBABILITY_FLOOR));
}

/** Mean negative log-likelihood of the true labels. */
export function logLoss(probs: ArrayLike<number>, y: ArrayLike<number>, k: number): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) loss += rowLoss(probs[i * k + y[i]!]!);
  return y.length ? loss / y.length : 0;
}

/** Macro-F1 values closer than this are a tie (float noise between equal predictions). */
export const F1_TIE = 1e-9;

export interface Score {
  f1: number;
  loss: number;
}

/** a better than b: higher macro-F1, a tie broken by lower log-loss. */
export function better(a: Score, b: Score | null): boolean {
  return !b || a.f1 > b.f1 + F1_TIE || (Math.abs(a.f1 - b.f1) <= F1_TIE && a.loss < b.loss);
}

/** The best epoch so far by validation score, and when patience runs out. */
export class BestEpoch {
  best: (Score & { epoch: number }) | null;

  /** patience: epochs without a better score before stopping (0: never). `from`: a resumed run's best. */
  constructor(
    readonly patience: number,
    from: (Score & { epoch: number }) | null = null,
  ) {
    this.best = from;
  }

  /** Records an epoch's validation score; true when it is the best so far. */
  offer(epoch: number, score: Score): boolean {
    if (!better(score, this.best)) return false;
    this.best = { epoch, ...score };
    return true;
  }

  /** True when `patience` epochs have passed without a better one and epochs remain (stopping then saves them). */
  shouldStop(epoch: number, epochs: number): boolean {
    return this.patience > 0 && this.best !== null && epoch - this.best.epoch >= this.patience && epoch < epochs;
  }
}
