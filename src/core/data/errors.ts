// Errors raised by the data stage. `code` is what the UI and the worker protocol switch on.
import { CodedError } from '../errors';
import type { ErrorCode } from '../model/errors';

export type DataErrorCode = 'invalid-argument' | 'parse-failed' | 'file-too-large' | 'not-text';

const ENGINE_CODES: Record<DataErrorCode, ErrorCode> = {
  'invalid-argument': 'BAD_ARGUMENT',
  'parse-failed': 'FILE_UNREADABLE',
  'file-too-large': 'FILE_UNREADABLE',
  'not-text': 'FILE_UNREADABLE',
};

export class DataError extends CodedError<DataErrorCode> {
  constructor(code: DataErrorCode, message: string) {
    super('DataError', code, message, ENGINE_CODES[code]);
  }
}
