// Seeded stratified train/validation split. Stratified so a rare class is not
// left out of validation by chance; seeded so a re-run compares like with like.
import { DataError } from './errors';
import { mulberry32, shuffleInPlace } from './random';

export interface Split {
  /** Row indices, ascending. */
  train: number[];
  /** Row indices, ascending. */
  val: number[];
}

/**
 * Per class, round(count × valFraction) rows go to validation, clamped so that every
 * class with ≥ 2 rows has at least 1 validation row and at least 1 training row.
 * A class with a single row stays in training (it cannot be both learnt and measured).
 */
export function stratifiedSplit(labels: Int32Array | number[], valFraction: number, seed: number): Split {
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new DataError('invalid-argument', `stratifiedSplit: valFraction must be in (0, 1), got ${valFraction}`);
  }
  if (!Number.isFinite(seed)) {
    throw new DataError('invalid-argument', `stratifiedSplit: seed must be a finite number, got ${seed}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0) {
      throw new DataError('invalid-argument', `stratifiedSplit: labels[${i}] must be a non-negative integer, got ${y}`);
    }
    let members = byClass.get(y);
    if (!members) byClass.set(y, (members = []));
    members.push(i);
  }
  const rng = mulberry32(seed);
  const train: number[] = [];
  const val: number[] = [];
  // Classes in ascending order so the random stream is consumed the same way every time.
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = shuffleInPlace(byClass.get(cls)!, rng);
    const nVal = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(members.length * valFraction)));
    val.push(...members.slice(0, nVal));
    train.push(...members.slice(nVal));
  }
  train.sort((a, b) => a - b);
  val.sort((a, b) => a - b);
  return { train, val };
}
