// Errors raised by the data stage. `code` is what the UI and the worker protocol switch on.
export type DataErrorCode = 'invalid-argument' | 'parse-failed';

export class DataError extends Error {
  readonly code: DataErrorCode;
  constructor(code: DataErrorCode, message: string) {
    super(message);
    this.name = 'DataError';
    this.code = code;
  }
}
