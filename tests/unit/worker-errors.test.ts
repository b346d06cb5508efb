import { describe, expect, it } from 'vitest';
import { EngineError, assertNever, fromErrorData, toErrorData } from '../../src/worker/errors';
import { BundleError } from '../../src/core/formats/errors';
import { DataError } from '../../src/core/data/errors';

describe('errors across the worker boundary', () => {
  it('keeps the name, code and message of an EngineError', () => {
    const data = toErrorData(new EngineError('NOT_FOUND', 'no run with id "x"'));
    expect(data).toEqual({ name: 'EngineError', code: 'NOT_FOUND', message: 'no run with id "x"' });
    const back = fromErrorData(data);
    expect(back).toBeInstanceOf(EngineError);
    expect(back.code).toBe('NOT_FOUND');
  });

  it('explains a quota error instead of passing the browser text through', () => {
    const data = toErrorData(new DOMException('quota', 'QuotaExceededError'));
    expect(data.code).toBe('QUOTA_EXCEEDED');
    expect(data.message).toMatch(/Delete datasets or runs/);
  });

  it('maps named core errors onto protocol codes', () => {
    expect(toErrorData(new BundleError('damaged-zip', 'bad zip')).code).toBe('BUNDLE_INVALID');
    expect(toErrorData(new DataError('invalid-argument', 'bad')).code).toBe('BAD_ARGUMENT');
    expect(toErrorData(new Error('boom'))).toEqual({ name: 'Error', code: 'INTERNAL', message: 'boom' });
    expect(toErrorData('a string')).toEqual({ name: 'Error', code: 'INTERNAL', message: 'a string' });
  });

  it('assertNever throws with the value', () => {
    expect(() => assertNever('x' as never, 'event')).toThrow(/unexpected event: "x"/);
  });
});
