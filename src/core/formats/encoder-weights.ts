// Fine-tuned encoder weights as safetensors, under the names the encoder's files use, so a
// run stores, exports and re-imports exactly the layers it changed.
import { FormatError } from './errors';
import { assertFiniteWeights, decodeSafetensors, encodeSafetensors } from './safetensors';

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function encoderWeightsToSafetensors(weights: NamedWeight[], metadata?: Record<string, string>): Uint8Array {
  for (const w of weights) {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.data.length !== size) throw new FormatError('invalid-tensor', `encoder weight "${w.name}" has ${w.data.length} values for shape [${w.shape}]`);
  }
  return encodeSafetensors(weights.map((w) => ({ name: w.name, dtype: 'F32', shape: w.shape, data: w.data })), metadata);
}

/** Every tensor of the file as float32 (F16/BF16 widen); integer tensors are refused, an encoder weight is never one. */
export function encoderWeightsFromSafetensors(bytes: Uint8Array): NamedWeight[] {
  const out = decodeSafetensors(bytes).tensors.map((t) => {
    if (!(t.data instanceof Float32Array)) throw new FormatError('invalid-tensor', `encoder weight "${t.name}" has dtype ${t.dtype}; expected a float`);
    return { name: t.name, shape: t.shape, data: t.data };
  });
  assertFiniteWeights(out, 'encoder weights');
  return out;
}
