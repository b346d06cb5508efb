// Views of label lists that stay readable with many labels (intent datasets: 77 to 150 labels).
// A list, a table row or a button per label is fine for a handful; at 150 labels it is a wall
// (a 150 × 150 confusion matrix is 22,500 cells), so the views show the few that matter first.
import { listSome } from '../core/list-some';

/** From this many labels on, views summarise (top confusions, top probabilities, shortened lists). */
export const MANY_LABELS = 20;

/** "a, b, c and 97 more" (at most `max` names, each cut at 40 characters). */
export function listLabels(labels: readonly string[], max = 8): string {
  return listSome(labels, max, 40);
}

export interface Confusion {
  /** True label index. */
  actual: number;
  predicted: number;
  count: number;
  /** count / rows of the true label. */
  share: number;
}

/** The largest off-diagonal cells of a confusion matrix (rows: true, columns: predicted), largest first; ties by position. */
export function topConfusions(confusion: readonly (readonly number[])[], n: number): Confusion[] {
  const out: Confusion[] = [];
  confusion.forEach((row, i) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0) out.push({ actual: i, predicted: j, count, share: count / Math.max(1, total) });
    });
  });
  return out.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted).slice(0, n);
}

/** Indices of the `n` largest values, largest first (ties: the lower index). */
export function topIndices(values: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b]! - values[a]! || a - b)
    .slice(0, n);
}
