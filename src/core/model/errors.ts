// The error codes that cross the worker boundary, and the wire shape of an error. Core's coded
// errors (CodedError subclasses) and storage's StorageError map onto these in worker/errors.ts.

export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'DATASET_INVALID'
  | 'QUOTA_EXCEEDED'
  | 'ENCODER_UNAVAILABLE'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_MISMATCH'
  | 'HUB_UNAUTHORIZED'
  | 'HUB_NOT_FOUND'
  | 'HUB_NETWORK'
  | 'HUB_UNSUPPORTED'
  | 'HUB_INTEGRITY'
  | 'BACKEND_FAILED'
  | 'BUSY'
  | 'CANCELLED'
  /** The request would download a model; the message asks, the caller retries with consent. */
  | 'CONFIRM_DOWNLOAD'
  | 'NON_FINITE_LOSS'
  | 'INTERNAL';

/** How an error crosses the boundary: never a bare string. */
export interface EngineErrorData {
  name: string;
  code: ErrorCode;
  message: string;
}

/** What a person reads when the browser refuses to store more. */
export function quotaMessage(): string {
  return (
    'The browser refused to store more data (storage quota exceeded). ' +
    'Delete datasets or runs you no longer need, or allow this site persistent storage, then try again. ' +
    'Nothing was changed.'
  );
}
