// core/model: the head-init decision the worker acts on and the panel shows, and the run builders.
import { describe, expect, it } from 'vitest';
import { headInitFor, headInitText, labelChange, type HeadCandidate } from '../../src/core/model/head-init';
import { IMPORTED_CONFIG, importedRun, runName, runSummary, trainedRun, unknownMetrics } from '../../src/core/model/run-record';
import { toErrorData } from '../../src/worker/errors';
import { StorageError } from '../../src/storage/errors';

const linear: HeadCandidate = {
  id: 'run-1', name: 'reviews', encoderId: 'use-lite', encoderHash: 'h0', labels: ['neg', 'pos'],
  config: { ...IMPORTED_CONFIG, hiddenUnits: 0 },
};
const want = { encoderId: 'use-lite', encoderHash: 'h0', labels: ['neg', 'pos'] };

describe('headInitFor', () => {
  it('carries a linear head-only run on the same encoder and labels over', () => {
    expect(headInitFor(linear, want)).toEqual({ kind: 'head-run', runId: 'run-1', runName: 'reviews' });
    expect(headInitText(headInitFor(linear, want))).toBe('The linear head starts from the head of “reviews”.');
  });

  it('starts fresh, and says why, for each rule the engine enforces', () => {
    const reason = (run: HeadCandidate | null, w = want) => {
      const init = headInitFor(run, w);
      return init.kind === 'fresh' ? init.reason : null;
    };
    expect(reason(null)).toMatch(/no head-only run/);
    expect(reason({ ...linear, config: { ...linear.config, hiddenUnits: 64 } })).toMatch(/64-unit hidden layer/);
    expect(reason({ ...linear, encoderHash: 'other' })).toMatch(/other encoder weights/);
    expect(reason({ ...linear, encoderId: 'hf:a/b@main' })).toMatch(/other encoder weights/);
    expect(reason({ ...linear, labels: ['a', 'b'] })).toMatch(/has other labels than this dataset \(the dataset has 2 label\(s\) the run lacks: neg, pos; the run has 2 label\(s\) the dataset lacks: a, b\)/);
    expect(reason({ ...linear, fineTune: {} as never })).toMatch(/itself fine-tuned/);
  });

  it('names at most five added and five removed labels (150 intents made a message of thousands of characters)', () => {
    const many = Array.from({ length: 150 }, (_, i) => `intent_${i}`);
    const msg = labelChange([...many, 'new_a', 'new_b'], [...many.slice(20), 'gone']);
    expect(msg).toBe('the dataset has 22 label(s) the run lacks: intent_0, intent_1, intent_2, intent_3, intent_4 and 17 more; the run has 1 label(s) the dataset lacks: gone');
    expect(labelChange(['b', 'a'], ['a', 'b'])).toBe('the same labels in another order');
  });

  it('skips only the checks the caller cannot make yet (the panel before the encoder loads)', () => {
    expect(headInitFor({ ...linear, encoderHash: 'other' }, { ...want, encoderHash: null, labels: null }).kind).toBe('head-run');
    expect(headInitFor({ ...linear, config: { ...linear.config, hiddenUnits: 8 } }, { ...want, encoderHash: null, labels: null }).kind).toBe('fresh');
  });
});

describe('run builders', () => {
  const encoder = { encoderId: 'use-lite', encoderHash: 'h0', embeddingDim: 512, maxSeqLength: 128, tokenizer: 'sentencepiece' };
  const history = [{ epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, valMacroF1: 0.5, seconds: 1 }];

  it('fills every field of a trained run the same way', () => {
    const run = trainedRun({
      id: 'r', name: runName('ds', 0), createdAt: 0, dataset: { id: 'd', name: 'ds' }, encoder, labels: ['a', 'b'], config: { ...IMPORTED_CONFIG },
      metrics: unknownMetrics(), history, bestEpoch: 1, backend: 'cpu', comparison: undefined,
    });
    expect(run).toMatchObject({ datasetId: 'd', datasetName: 'ds', encoderHash: 'h0', embeddingDim: 512, tokenizer: 'sentencepiece', imported: false, epochsRun: 1, stoppedEarly: false, misclassified: [] });
    expect('comparison' in run).toBe(false);
    expect(run.name.startsWith('ds · ')).toBe(true);
    expect(Object.keys(runSummary(run))).not.toContain('history');
  });

  it('marks an imported run as imported, with no dataset', () => {
    const run = importedRun({ id: 'r', name: 'x', createdAt: 0, datasetName: '(imported)', encoder, labels: ['a', 'b'], config: { ...IMPORTED_CONFIG }, metrics: unknownMetrics(), history: [], bestEpoch: 0, epochsRun: 0, backend: 'cpu' });
    expect(run).toMatchObject({ datasetId: null, imported: true, epochsRun: 0, misclassified: [] });
  });
});

describe('storage errors', () => {
  it('cross the worker boundary with their own code', () => {
    expect(toErrorData(new StorageError('NOT_FOUND', 'no run with id "x"'))).toEqual({ name: 'StorageError', code: 'NOT_FOUND', message: 'no run with id "x"' });
  });
});
