import { describe, expect, it } from 'vitest';
import { compareWithFrozen, fewShotOffered } from '../../src/worker/fewshot';
import type { RunSummary } from '../../src/worker/protocol';

const metrics = (macroF1: number, accuracy = macroF1) => ({ macroF1, accuracy, perClass: [], confusion: [] });

function frozenRun(over: Partial<RunSummary> = {}, kept = { macroF1: 0.7, valLoss: 0.5 }): RunSummary {
  return {
    id: 'run-frozen', name: 'frozen', createdAt: 0, datasetId: 'ds', datasetName: 'd', encoderId: 'use-lite', encoderHash: 'h', embeddingDim: 512, maxSeqLength: 128,
    labels: ['a', 'b'], config: { valFraction: 0.15, seed: 42, epochs: 1, batchSize: 16, learningRate: 1e-3, hiddenUnits: 0, dropout: 0, classWeights: true, patience: 0, maxWindows: 16, windowOverlap: 0 },
    metrics: metrics(kept.macroF1), bestEpoch: 1, epochsRun: 1, stoppedEarly: false, stoppedByUser: false, backend: 'wasm', imported: false,
    comparison: {
      valRows: 4, selectionRows: 24, crossValidated: true, kept: 'hybrid', summary: '',
      calibration: { temperature: 1, eceBefore: 0, eceAfter: 0 } as never,
      candidates: [
        { kind: 'baseline', metrics: metrics(0.5), selectionF1: 0.5, valLoss: 0.7, setting: 'C = 1', seconds: 0 },
        { kind: 'hybrid', metrics: metrics(kept.macroF1), selectionF1: kept.macroF1, valLoss: kept.valLoss, setting: 'C = 1', seconds: 0 },
      ],
    },
    ...over,
  };
}

const split = { datasetId: 'ds', valFraction: 0.15, seed: 42 };
const tuned = { pairs: 40, steps: 3, seconds: 2 };

describe('compareWithFrozen', () => {
  it('keeps the contrastive run when its validation macro-F1 is higher, and says by how much', () => {
    const c = compareWithFrozen(frozenRun(), split, { metrics: metrics(0.8), valLoss: 0.6 }, tuned);
    expect(c.kept).toBe('contrastive');
    expect(c.frozen).toEqual({ macroF1: 0.7, accuracy: 0.7, valLoss: 0.5 });
    expect(c.summary).toBe("kept: contrastive, +10.0 points macro-F1 over the frozen encoder's model on the same 4 validation rows");
  });

  it("keeps the frozen model when it is better, and breaks a tie by log-loss like Train's rule", () => {
    expect(compareWithFrozen(frozenRun(), split, { metrics: metrics(0.6), valLoss: 0.1 }, tuned).kept).toBe('frozen');
    expect(compareWithFrozen(frozenRun(), split, { metrics: metrics(0.7), valLoss: 0.6 }, tuned).kept).toBe('frozen');
    expect(compareWithFrozen(frozenRun(), split, { metrics: metrics(0.7), valLoss: 0.4 }, tuned).kept).toBe('contrastive');
  });

  it('does not compare with a run on other validation rows', () => {
    for (const over of [{ datasetId: 'other' }, { config: { ...frozenRun().config, seed: 1 } }, { config: { ...frozenRun().config, valFraction: 0.2 } }]) {
      const c = compareWithFrozen(frozenRun(over), split, { metrics: metrics(0.1), valLoss: 2 }, tuned);
      expect(c.frozen).toBeNull();
      expect(c.kept).toBe('contrastive');
      expect(c.summary).toMatch(/no frozen Train run on the same validation rows/);
    }
    expect(compareWithFrozen(null, split, { metrics: metrics(0.5), valLoss: 1 }, tuned).frozenRunId).toBeNull();
  });
});

describe('fewShotOffered', () => {
  it('offers contrastive tuning up to 64 rows per label, with at least one positive pair', () => {
    expect(fewShotOffered([12, 12])).toBe(true);
    expect(fewShotOffered([64, 3, 1])).toBe(true);
    expect(fewShotOffered([65, 10])).toBe(false);
    expect(fewShotOffered([1, 1])).toBe(false);
    expect(fewShotOffered([20])).toBe(false);
  });
});
