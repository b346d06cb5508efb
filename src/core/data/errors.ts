// Errors raised by the data stage. `code` is what the UI and the worker protocol switch on.
import { CodedError } from '../errors';

export type DataErrorCode = 'invalid-argument' | 'parse-failed' | 'file-too-large';

export class DataError extends CodedError<DataErrorCode> {
  constructor(code: DataErrorCode, message: string) {
    super('DataError', code, message);
  }
}
