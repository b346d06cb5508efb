import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/train/metrics';
import { balancedClassWeights } from '../../src/core/train/class-weights';

describe('evaluate', () => {
  it('matches hand-computed values', () => {
    // true:  0 0 0 1 1 2
    // pred:  0 0 1 1 2 2
    const m = evaluate([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // class 0: p=2/2 r=2/3 f1=0.8; class 1: p=1/2 r=1/2 f1=0.5; class 2: p=1/2 r=1 f1=2/3
    expect(m.perClass[0]).toEqual({ precision: 1, recall: 2 / 3, f1: expect.closeTo(0.8, 12), support: 3 });
    expect(m.perClass[1]!.f1).toBeCloseTo(0.5, 12);
    expect(m.perClass[2]).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(m.perClass[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('gives 0 to a class without predictions and leaves a class absent from both out of the macro mean', () => {
    const m = evaluate([0, 1, 1], [1, 1, 1], 3);
    expect(m.perClass[0]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.perClass[2]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    // class 1: p=2/3 r=1 f1=0.8; mean over classes 0 and 1 only.
    expect(m.macroF1).toBeCloseTo(0.4, 12);
  });

  it('handles empty input and rejects bad input naming the value', () => {
    expect(evaluate([], [], 2)).toMatchObject({ accuracy: 0, macroF1: 0 });
    expect(() => evaluate([0], [2], 2)).toThrow(/yPred\[0\] must be an integer in \[0, 2\), got 2/);
    expect(() => evaluate([0], [], 2)).toThrow(/yTrue has 1 entries but yPred has 0/);
  });
});

describe('balancedClassWeights', () => {
  it('computes n / (k · count) over present classes', () => {
    // n=6, k=2 present: class 0 ×4 → 6/8, class 2 ×2 → 6/4, class 1 absent → 0
    expect(Array.from(balancedClassWeights([0, 0, 0, 0, 2, 2], 3))).toEqual([0.75, 0, 1.5]);
    expect(() => balancedClassWeights([3], 3)).toThrow(/labels\[0\].*got 3/);
  });
});
