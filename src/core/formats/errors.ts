// Errors for reading and writing files. `code` says what is wrong; the message says where.
import { CodedError } from '../errors';

export type FormatErrorCode =
  | 'invalid-argument'
  | 'truncated'
  | 'invalid-header'
  | 'invalid-offsets'
  | 'unsupported-dtype'
  | 'invalid-tensor'
  | 'invalid-metadata'
  | 'invalid-model';

export class FormatError extends CodedError<FormatErrorCode> {
  constructor(code: FormatErrorCode, message: string) {
    // Whatever is wrong with a file, the file is what the user can change.
    super('FormatError', code, message, 'BUNDLE_INVALID');
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

export class BundleError extends CodedError<BundleErrorCode> {
  constructor(code: BundleErrorCode, message: string) {
    super('BundleError', code, message, 'BUNDLE_INVALID');
  }
}
