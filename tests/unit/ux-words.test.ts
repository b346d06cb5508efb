// What the result summary, the runs table and the export page say, from a run's record: plain
// words for the kept model, the settings in a few words, and why the Hugging Face export is off.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/worker/protocol';
import { gainText, imbalanceNote, keptInWords } from '../../src/features/training/result-view';
import { settingsText } from '../../src/features/training/runs-table';
import { hfBlocker } from '../../src/features/export/export-page';

function run(over: Partial<RunSummary>): RunSummary {
  return {
    id: 'r1', name: 'reviews', createdAt: 0, datasetId: 'd1', datasetName: 'reviews', encoderId: 'use-lite', encoderHash: 'x', embeddingDim: 512, maxSeqLength: 128,
    labels: ['neg', 'pos'],
    config: { valFraction: 0.15, seed: 42, epochs: 30, batchSize: 16, learningRate: 0.001, hiddenUnits: 0, dropout: 0.2, classWeights: true, patience: 8, maxWindows: 16, windowOverlap: 0 },
    metrics: { accuracy: 0.9, macroF1: 0.9, perClass: [], confusion: [] } as unknown as RunSummary['metrics'],
    bestEpoch: 1, epochsRun: 1, stoppedEarly: false, stoppedByUser: false, backend: 'wasm', imported: false,
    ...over,
  };
}

describe('plain words', () => {
  it('names the kept model without jargon', () => {
    for (const kept of ['baseline', 'encoder', 'hybrid', 'blend'] as const) {
      const words = keptInWords(run({ comparison: { kept } as RunSummary['comparison'] }));
      expect(words).not.toMatch(/hybrid|blend|n-gram|TF-IDF|\bC\b/);
      expect(words.length).toBeGreaterThan(10);
    }
    expect(keptInWords(run({ fineTune: {} as RunSummary['fineTune'] }))).toMatch(/fine-tuned/);
  });

  it('says on how many rows the gain over word patterns rests', () => {
    const cand = (kind: string, selectionF1: number) => ({ kind, selectionF1 });
    const comparison = (crossValidated: boolean, selectionRows: number) =>
      ({ kept: 'encoder', crossValidated, selectionRows, candidates: [cand('baseline', 1 / 3), cand('encoder', 1)] }) as unknown as RunSummary['comparison'];
    // 2 validation rows (a 10-row dataset): the 66.7 points are one row's luck, and it says so.
    expect(gainText(run({ comparison: comparison(false, 2) }))).toBe('66.7 points better than word patterns alone (balanced score on 2 held-out examples: too few to be sure)');
    expect(gainText(run({ comparison: comparison(false, 900) }))).toBe('66.7 points better than word patterns alone (balanced score on 900 held-out examples)');
    expect(gainText(run({ comparison: comparison(true, 120) }))).toMatch(/120 examples, each predicted by a model that had not seen it\)$/);
  });

  it('warns that accuracy misleads when one label is most of the held-out rows', () => {
    const metrics = (supports: number[]) => ({ accuracy: 0.93, macroF1: 0.77, perClass: supports.map((support) => ({ precision: 1, recall: 1, f1: 1, support })), confusion: [] }) as unknown as RunSummary['metrics'];
    // 95/5 (the imbalanced IMDB run: 5 neg, 85 pos held out).
    expect(imbalanceNote(run({ metrics: metrics([5, 85]) }))).toBe('“pos” is 94% of the held-out examples: always answering it would be right that often, so judge the model by its balanced score.');
    expect(imbalanceNote(run({ metrics: metrics([40, 60]) }))).toBeNull();
    expect(imbalanceNote(run({ metrics: metrics([]) }))).toBeNull();
  });

  it('says the settings that tell runs apart', () => {
    expect(settingsText(run({}))).toBe('linear head; 15% held out, seed 42');
    expect(settingsText(run({ config: { ...run({}).config, hiddenUnits: 64, epochs: 12 } }))).toBe('64 hidden units, 12 epochs, lr 0.001; 15% held out, seed 42');
  });
});

describe('Hugging Face export availability', () => {
  it('is off for USE-lite, with the fix (a BERT-family encoder and a linear head)', () => {
    const b = hfBlocker(run({}));
    expect(b?.why).toMatch(/USE-lite/);
    expect(b?.fix).toMatch(/BERT-family encoder.*hidden units 0/);
  });
  it('is off for a hidden-layer head on a BERT encoder unless fine-tuned', () => {
    const bert = run({ encoderId: 'hf:prajjwal1/bert-tiny@main', config: { ...run({}).config, hiddenUnits: 64 } });
    expect(hfBlocker(bert)?.why).toMatch(/64-unit hidden layer/);
    expect(hfBlocker({ ...bert, fineTune: {} as RunSummary['fineTune'] })).toBeNull();
    expect(hfBlocker({ ...bert, config: { ...bert.config, hiddenUnits: 0 } })).toBeNull();
  });
  it('asks for a model when none is chosen', () => {
    expect(hfBlocker(null)?.why).toMatch(/Choose a model/);
  });
});
