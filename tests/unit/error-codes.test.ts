// Every error raised on purpose is coded; the worker passes the code on (never a name or a
// message regex); the UI shows the message and what to do.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ArgumentError, CodedError } from '../../src/core/errors';
import { DataError } from '../../src/core/data/errors';
import { BundleError, FormatError } from '../../src/core/formats/errors';
import { DownloadError } from '../../src/core/hub/download';
import { HubError } from '../../src/core/hub/hf-hub';
import { ModelRefError } from '../../src/core/encoders/registry';
import { WeightsError } from '../../src/core/encoders/weights';
import { TokenizerError } from '../../src/core/tokenizers/sentencepiece';
import { NonFiniteLossError } from '../../src/core/train/finetune';
import { TrainError } from '../../src/core/train/errors';
import { SettingsError } from '../../src/core/model/specs';
import { ERROR_ADVICE } from '../../src/core/model/errors';
import { StorageError } from '../../src/storage/errors';
import { EngineError, fromErrorData, toErrorData } from '../../src/worker/errors';
import { ErrorMessage } from '../../src/components/error-message';
import { warmupLinearDecay } from '../../src/core/train/schedule';
import { padBatch } from '../../src/core/tokenizers/batch';

describe('coded errors', () => {
  it('map to engine codes by their code, whatever their name or message', () => {
    const cases: [CodedError, string][] = [
      [new DataError('parse-failed', 'x'), 'FILE_UNREADABLE'],
      [new DataError('not-text', 'x'), 'FILE_UNREADABLE'],
      [new DataError('invalid-argument', 'x'), 'BAD_ARGUMENT'],
      [new TrainError('empty-validation', 'x'), 'DATASET_INVALID'],
      [new TrainError('stopped', 'x'), 'CANCELLED'],
      [new NonFiniteLossError(3, Number.NaN), 'NON_FINITE_LOSS'],
      [new FormatError('truncated', 'x'), 'BUNDLE_INVALID'],
      [new BundleError('damaged-zip', 'x'), 'BUNDLE_INVALID'],
      [new DownloadError('x'), 'ENCODER_UNAVAILABLE'],
      [new WeightsError('shape', 'x'), 'ENCODER_UNAVAILABLE'],
      [new TokenizerError('bad-vocab', 'x'), 'ENCODER_UNAVAILABLE'],
      [new HubError('not-found', 'x'), 'HUB_NOT_FOUND'],
      [new HubError('insufficient-storage', 'x'), 'QUOTA_EXCEEDED'],
      [new ModelRefError('bad-name', 'x'), 'BAD_ARGUMENT'],
      [new SettingsError('out-of-range', 'epochs', 0, 'x'), 'BAD_ARGUMENT'],
      [new ArgumentError('x'), 'BAD_ARGUMENT'],
      [new StorageError('NOT_FOUND', 'x'), 'NOT_FOUND'],
      [new EngineError('BUSY', 'x'), 'BUSY'],
    ];
    for (const [err, code] of cases) {
      expect(toErrorData(err), err.name).toEqual({ name: err.name, code, message: err.message });
      // A renamed error keeps its code: the name plays no part.
      err.name = 'Renamed';
      expect(toErrorData(err).code).toBe(code);
    }
    expect(toErrorData(new Error('training loss became NaN')).code).toBe('INTERNAL');
  });

  it('core argument checks that used to throw RangeError (INTERNAL in the UI) are coded', () => {
    expect(() => warmupLinearDecay(0, 0, 0.1)).toThrow(TrainError);
    expect(toErrorData(catchIt(() => warmupLinearDecay(0, 10, 1.5))).code).toBe('BAD_ARGUMENT');
    expect(toErrorData(catchIt(() => padBatch([[1]], 0))).code).toBe('BAD_ARGUMENT');
  });

  it('the UI shows the message and, for a code with advice, what to do', () => {
    const html = renderToStaticMarkup(createElement(ErrorMessage, { error: fromErrorData({ name: 'HubError', code: 'HUB_NOT_FOUND', message: 'owner/x was not found' }) }));
    expect(html).toContain('owner/x was not found');
    expect(html).toContain('data-code="HUB_NOT_FOUND"');
    expect(html).toContain(ERROR_ADVICE.HUB_NOT_FOUND!);
    const plain = renderToStaticMarkup(createElement(ErrorMessage, { error: new Error('boom') }));
    expect(plain).toContain('boom');
    expect(plain).not.toContain('-advice');
  });
});

function catchIt(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}
