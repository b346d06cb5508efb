// Errors raised by the training stage; `code` crosses the worker boundary.
import { CodedError } from '../errors';
import type { ErrorCode } from '../model/errors';

export type TrainErrorCode = 'invalid-argument' | 'empty-validation' | 'non-finite-loss' | 'stopped';

const ENGINE_CODES: Record<TrainErrorCode, ErrorCode> = {
  'invalid-argument': 'BAD_ARGUMENT',
  'empty-validation': 'DATASET_INVALID',
  'non-finite-loss': 'NON_FINITE_LOSS',
  stopped: 'CANCELLED',
};

export class TrainError extends CodedError<TrainErrorCode> {
  constructor(code: TrainErrorCode, message: string, name = 'TrainError') {
    super(name, code, message, ENGINE_CODES[code]);
  }
}
