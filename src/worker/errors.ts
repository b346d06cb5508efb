import { CodedError } from '../core/errors';
import { quotaMessage, type EngineErrorData, type ErrorCode } from '../core/model/errors';
import { StorageError } from '../storage/errors';

export { quotaMessage };

/** The one error class that crosses the worker boundary, with a machine-readable code. */
export class EngineError extends CodedError<ErrorCode> {
  constructor(code: ErrorCode, message: string) {
    super('EngineError', code, message);
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new EngineError('INTERNAL', `unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Turns anything thrown into the wire shape; named errors keep their name and code. */
export function toErrorData(err: unknown): EngineErrorData {
  if (err instanceof EngineError || err instanceof StorageError) return { name: err.name, code: err.code, message: err.message };
  if (err instanceof DOMException && err.name === 'QuotaExceededError') {
    return { name: err.name, code: 'QUOTA_EXCEEDED', message: quotaMessage() };
  }
  if (err instanceof Error) {
    if (err.name === 'QuotaExceededError') return { name: err.name, code: 'QUOTA_EXCEEDED', message: quotaMessage() };
    const code = codeOf(err);
    return { name: err.name, code, message: err.message };
  }
  return { name: 'Error', code: 'INTERNAL', message: String(err) };
}

export function fromErrorData(data: EngineErrorData): EngineError {
  const e = new EngineError(data.code, data.message);
  e.name = data.name;
  return e;
}

/** Named errors from core/ keep their message; their kind maps onto a protocol code. */
function codeOf(err: Error): ErrorCode {
  const code = (err as { code?: unknown }).code;
  switch (err.name) {
    case 'BundleError':
    case 'FormatError':
      return 'BUNDLE_INVALID';
    case 'SettingsError':
      return 'BAD_ARGUMENT';
    case 'DataError':
    case 'TrainError':
      return code === 'invalid-argument' ? 'BAD_ARGUMENT' : 'DATASET_INVALID';
    case 'DownloadError':
    case 'WeightsError':
    case 'TokenizerError':
      return 'ENCODER_UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}
