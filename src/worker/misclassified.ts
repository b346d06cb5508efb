import type { Misclassified } from './protocol';
import { argmaxRow } from '../core/train/scores';

const MAX_MISCLASSIFIED = 50;

/** The validation rows the model gets wrong, most confident first (at most 50). */
export function misclassifiedRows(
  probs: Float32Array,
  valY: Int32Array,
  valRows: number[],
  rows: { texts: string[]; lines: number[] },
  labels: string[],
): Misclassified[] {
  const k = labels.length;
  const out: Misclassified[] = [];
  valRows.forEach((row, i) => {
    const arg = argmaxRow(probs, i, k);
    if (arg !== valY[i]) {
      out.push({ text: rows.texts[row]!, line: rows.lines[row]!, trueLabel: labels[valY[i]!]!, predictedLabel: labels[arg]!, confidence: probs[i * k + arg]! });
    }
  });
  return out.sort((a, b) => b.confidence - a.confidence).slice(0, MAX_MISCLASSIFIED);
}
