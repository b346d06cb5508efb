// Errors raised by the training stage; `code` crosses the worker boundary.
export type TrainErrorCode = 'invalid-argument' | 'empty-validation';

export class TrainError extends Error {
  readonly code: TrainErrorCode;
  constructor(code: TrainErrorCode, message: string) {
    super(message);
    this.name = 'TrainError';
    this.code = code;
  }
}
