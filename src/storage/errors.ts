// Errors raised by the storage layer. Its codes are a subset of the engine's (core/model/errors.ts),
// so the worker passes them on as they are.
import { CodedError } from '../core/errors';
import type { ErrorCode } from '../core/model/errors';

export type StorageErrorCode = Extract<ErrorCode, 'NOT_FOUND' | 'BAD_ARGUMENT' | 'QUOTA_EXCEEDED'>;

export class StorageError extends CodedError<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string) {
    super('StorageError', code, message, code);
  }
}
