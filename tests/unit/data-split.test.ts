import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../src/core/data/split';
import { mulberry32, shuffleInPlace } from '../../src/core/data/random';

// 0: 50 rows, 1: 10 rows, 2: 2 rows, 3: 1 row, interleaved.
const labels: number[] = [];
for (let i = 0; i < 50; i++) labels.push(0);
for (let i = 0; i < 10; i++) labels.push(1);
labels.push(2, 2, 3);
shuffleInPlace(labels, mulberry32(1));

describe('stratifiedSplit', () => {
  it('partitions every index exactly once, stratified per class', () => {
    const { train, val } = stratifiedSplit(Int32Array.from(labels), 0.2, 42);
    expect([...train, ...val].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    const valCount = (c: number): number => val.filter((i) => labels[i] === c).length;
    expect([valCount(0), valCount(1), valCount(2), valCount(3)]).toEqual([10, 2, 1, 0]);
    expect(train.filter((i) => labels[i] === 2)).toHaveLength(1);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedSplit(labels, 0.2, 42);
    expect(stratifiedSplit(labels, 0.2, 42)).toEqual(a);
    expect(stratifiedSplit(labels, 0.2, 43).val).not.toEqual(a.val);
  });

  it('rejects a bad fraction or label naming the value', () => {
    expect(() => stratifiedSplit(labels, 1, 1)).toThrow(/valFraction must be in \(0, 1\), got 1/);
    expect(() => stratifiedSplit([0, -1], 0.5, 1)).toThrow(/labels\[1\].*got -1/);
  });
});

describe('mulberry32', () => {
  it('is deterministic and uniform enough', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 3)).toEqual([b(), b(), b()]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});
