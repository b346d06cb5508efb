// The one shape of every error TextTune raises on purpose: a name, a machine-readable `code` the
// UI and the worker protocol switch on, and a message that names the parameter and the value.
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  constructor(name: string, code: C, message: string) {
    super(message);
    this.name = name;
    this.code = code;
  }
}
