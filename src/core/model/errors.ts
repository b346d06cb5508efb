// The error codes that cross the worker boundary, and the wire shape of an error. Core's coded
// errors (CodedError subclasses) and storage's StorageError map onto these in worker/errors.ts.

export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'NOT_FOUND'
  | 'DATASET_INVALID'
  /** The uploaded file is not a table TextTune can read (binary, too large); the message says what to do. */
  | 'FILE_UNREADABLE'
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

/**
 * What a person can do about each kind of error, shown under the message (null: the message
 * already says it, or there is nothing to do). A Record, so a new code cannot be forgotten.
 */
export const ERROR_ADVICE: Readonly<Record<ErrorCode, string | null>> = Object.freeze({
  BAD_ARGUMENT: 'Correct the value named above and try again.',
  NOT_FOUND: 'It may have been deleted in another tab: reload the page to see what is stored.',
  DATASET_INVALID: 'Check the dataset: Train holds out some rows of every label to check the model, so each label needs at least 2 rows (add rows for the rarest labels).',
  FILE_UNREADABLE: null,
  QUOTA_EXCEEDED: null,
  ENCODER_UNAVAILABLE: 'Check the network connection and try again; an encoder stored in this browser also works offline.',
  BUNDLE_INVALID: 'Export the model again from TextTune and import the new file.',
  BUNDLE_MISMATCH: 'Import the bundle with the encoder it was trained on.',
  HUB_UNAUTHORIZED: 'The model is gated or private: pick a public model.',
  HUB_NOT_FOUND: 'Check the model name (owner/name) and the revision on huggingface.co.',
  HUB_NETWORK: 'Check the network connection and try again; nothing partial was stored.',
  HUB_UNSUPPORTED: 'Pick a BERT-family model with safetensors weights and a tokenizer, such as one of the presets.',
  HUB_INTEGRITY: 'Download it again; if it repeats, the files on the Hub changed during the download.',
  BACKEND_FAILED: 'Reload the page, or add ?backend=wasm to the address to use WebAssembly.',
  BUSY: 'Wait for the running task to finish, or stop it first.',
  CANCELLED: null,
  CONFIRM_DOWNLOAD: null,
  NON_FINITE_LOSS: null,
  INTERNAL: 'This is a bug in TextTune. Reload the page: datasets and runs are kept.',
});
