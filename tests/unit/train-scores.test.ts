// The shared scoring rules of the training loops (core/train/scores.ts).
import { describe, expect, it } from 'vitest';
import { argmaxRow, argmaxRows, BestEpoch, better, logLoss, PROBABILITY_FLOOR, rowLoss } from '../../src/core/train/scores';

describe('scores', () => {
  it('argmax takes the first class on a tie', () => {
    expect(Array.from(argmaxRows([0.2, 0.5, 0.3, 0.4, 0.4, 0.2], 3))).toEqual([1, 0]);
    expect(argmaxRow([0.1, 0.9, 0.6, 0.4], 1, 2)).toBe(0);
  });

  it('the loss is floored, so one confidently wrong row cannot make it Infinity', () => {
    expect(rowLoss(0)).toBeCloseTo(-Math.log(PROBABILITY_FLOOR), 10);
    expect(logLoss([1, 0, 0, 1], [1, 1], 2)).toBeCloseTo(-Math.log(PROBABILITY_FLOOR) / 2, 10);
    expect(logLoss([], [], 2)).toBe(0);
  });

  it('better: higher macro-F1, a tie (within float noise) broken by lower loss', () => {
    expect(better({ f1: 0.8, loss: 1 }, null)).toBe(true);
    expect(better({ f1: 0.8, loss: 1 }, { f1: 0.7, loss: 0.1 })).toBe(true);
    expect(better({ f1: 0.8 + 1e-12, loss: 0.9 }, { f1: 0.8, loss: 1 })).toBe(true);
    expect(better({ f1: 0.8 + 1e-12, loss: 1.1 }, { f1: 0.8, loss: 1 })).toBe(false);
  });

  it('BestEpoch keeps the best epoch and stops after `patience` epochs without one, never on the last epoch', () => {
    const t = new BestEpoch(2);
    expect(t.offer(1, { f1: 0.5, loss: 1 })).toBe(true);
    expect(t.offer(2, { f1: 0.6, loss: 1 })).toBe(true);
    expect(t.offer(3, { f1: 0.6, loss: 1.2 })).toBe(false);
    expect(t.shouldStop(3, 10)).toBe(false);
    expect(t.offer(4, { f1: 0.55, loss: 1 })).toBe(false);
    expect(t.shouldStop(4, 10)).toBe(true);
    expect(t.shouldStop(4, 4)).toBe(false);
    expect(t.best).toEqual({ epoch: 2, f1: 0.6, loss: 1 });
    expect(new BestEpoch(0, { epoch: 1, f1: 1, loss: 0 }).shouldStop(50, 100)).toBe(false);
  });
});
