import { describe, expect, it } from 'vitest';
import { leastSure } from '../../src/features/training/label-next-panel';

describe('leastSure', () => {
  it('orders rows by the lead of the first guess over the second, smallest first, ties in file order', () => {
    const probs = Float32Array.from([
      0.9, 0.05, 0.05, // 0: margin 0.85
      0.4, 0.35, 0.25, // 1: margin 0.05
      0.2, 0.5, 0.3, // 2: margin 0.2
      0.3, 0.3, 0.4, // 3: margin 0.1
      0.35, 0.25, 0.4, // 4: margin 0.05 (tie with 1)
    ]);
    expect(leastSure(probs, 3, 3).map((r) => [r.index, r.top])).toEqual([[1, 0], [4, 2], [3, 2]]);
    expect(leastSure(probs, 3, 3)[0]!.margin).toBeCloseTo(0.05, 6);
    expect(leastSure(probs, 3, 10)).toHaveLength(5);
    expect(leastSure(Float32Array.from([0.5, 0.5, 1, 0]), 2, 1)).toEqual([{ index: 0, margin: 0, top: 0 }]);
  });
});
