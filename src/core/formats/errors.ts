// Errors for reading and writing files. `code` says what is wrong; the message says where.
export type FormatErrorCode =
  | 'invalid-argument'
  | 'truncated'
  | 'invalid-header'
  | 'invalid-offsets'
  | 'unsupported-dtype'
  | 'invalid-tensor'
  | 'invalid-metadata'
  | 'invalid-model';

export class FormatError extends Error {
  readonly code: FormatErrorCode;
  constructor(code: FormatErrorCode, message: string) {
    super(message);
    this.name = 'FormatError';
    this.code = code;
  }
}

export type BundleErrorCode =
  | 'invalid-argument'
  | 'damaged-zip'
  | 'wrong-format'
  | 'unsupported-version'
  | 'missing-member'
  | 'checksum-mismatch'
  | 'invalid-metadata';

export class BundleError extends Error {
  readonly code: BundleErrorCode;
  constructor(code: BundleErrorCode, message: string) {
    super(message);
    this.name = 'BundleError';
    this.code = code;
  }
}
