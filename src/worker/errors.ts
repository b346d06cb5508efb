import { CodedError } from '../core/errors';
import { quotaMessage, type EngineErrorData, type ErrorCode } from '../core/model/errors';

export { quotaMessage };

/** The one error class that crosses the worker boundary, with a machine-readable code. */
export class EngineError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super('EngineError', code, message, code);
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new EngineError('INTERNAL', `unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * Turns anything thrown into the wire shape. Every error raised on purpose is a CodedError (core's
 * families, StorageError, EngineError) and carries its engine code; the browser's quota error is
 * explained; anything else is a bug: INTERNAL, with its message.
 */
export function toErrorData(err: unknown): EngineErrorData {
  if (isQuotaExceeded(err)) return { name: 'QuotaExceededError', code: 'QUOTA_EXCEEDED', message: quotaMessage() };
  if (err instanceof CodedError) return { name: err.name, code: err.engineCode, message: err.message };
  if (err instanceof Error) return { name: err.name, code: 'INTERNAL', message: err.message };
  return { name: 'Error', code: 'INTERNAL', message: String(err) };
}

/** The platform's own quota error (a DOMException; some engines throw a plain Error of that name). */
function isQuotaExceeded(err: unknown): boolean {
  return (err instanceof DOMException || err instanceof Error) && err.name === 'QuotaExceededError';
}

export function fromErrorData(data: EngineErrorData): EngineError {
  const e = new EngineError(data.code, data.message);
  e.name = data.name;
  return e;
}
