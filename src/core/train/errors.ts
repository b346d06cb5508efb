// Errors raised by the training stage; `code` crosses the worker boundary.
import { CodedError } from '../errors';

export type TrainErrorCode = 'invalid-argument' | 'empty-validation';

export class TrainError extends CodedError<TrainErrorCode> {
  constructor(code: TrainErrorCode, message: string) {
    super('TrainError', code, message);
  }
}
