// The one shape of every error TextTune raises on purpose: a name, a machine-readable `code` the
// UI and the worker protocol switch on, and a message that names the parameter and the value.
// Each family also says which engine code its codes mean (`engineCode`, compile-checked tables
// next to each class): the worker passes that on and never reads an error's name or message.
import type { ErrorCode } from './model/errors';

export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly engineCode: ErrorCode;
  constructor(name: string, code: C, message: string, engineCode: ErrorCode) {
    super(message);
    this.name = name;
    this.code = code;
    this.engineCode = engineCode;
  }
}

/** A core function called with a value it cannot take; the message names the parameter and the value. */
export class ArgumentError extends CodedError<'invalid-argument'> {
  constructor(message: string) {
    super('ArgumentError', 'invalid-argument', message, 'BAD_ARGUMENT');
  }
}
