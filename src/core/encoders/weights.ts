// Reading named weights out of a tfjs weights manifest and its binary shards, with every
// name and shape checked: weights are taken by name, never by position.
import { CodedError } from '../errors';

export class WeightsError extends CodedError<string> {
  constructor(code: string, message: string) {
    super('WeightsError', code, message, 'ENCODER_UNAVAILABLE');
  }
}

export interface NamedArray {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

export function manifestOf(modelJson: unknown): ManifestGroup[] {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new WeightsError('bad-model-json', 'model.json has no weightsManifest array; is this a tfjs model.json?');
  }
  return manifest as ManifestGroup[];
}

/** Every shard path named in model.json, in manifest order. */
export function shardPaths(modelJson: unknown): string[] {
  return manifestOf(modelJson).flatMap((group) => group.paths);
}

/** Decodes the shards into a map from weight name to typed array. */
export function readWeights(modelJson: unknown, shards: ArrayBuffer[]): Map<string, NamedArray> {
  const groups = manifestOf(modelJson);
  const paths = groups.flatMap((g) => g.paths);
  if (shards.length !== paths.length) {
    throw new WeightsError('shard-count', `model.json names ${paths.length} shards; received ${shards.length}`);
  }
  const out = new Map<string, NamedArray>();
  let shardIndex = 0;
  for (const group of groups) {
    const groupShards = shards.slice(shardIndex, shardIndex + group.paths.length);
    shardIndex += group.paths.length;
    const bytes = concat(groupShards);
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.quantization !== undefined) {
        throw new WeightsError('quantized', `weight ${entry.name} is quantized; only float32/int32 weights are supported`);
      }
      if (entry.dtype !== 'float32' && entry.dtype !== 'int32') {
        throw new WeightsError('dtype', `weight ${entry.name} has dtype ${entry.dtype}; expected float32 or int32`);
      }
      const size = entry.shape.reduce((a, b) => a * b, 1);
      const byteLength = size * 4;
      if (offset + byteLength > bytes.byteLength) {
        throw new WeightsError(
          'truncated',
          `weight ${entry.name} needs bytes ${offset}..${offset + byteLength} but the shards hold ${bytes.byteLength}`,
        );
      }
      const slice = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + byteLength);
      const data = entry.dtype === 'float32' ? new Float32Array(slice) : new Int32Array(slice);
      out.set(entry.name, { name: entry.name, dtype: entry.dtype, shape: entry.shape.slice(), data });
      offset += byteLength;
    }
    if (offset !== bytes.byteLength) {
      throw new WeightsError('size-mismatch', `manifest accounts for ${offset} bytes but the shards hold ${bytes.byteLength}`);
    }
  }
  return out;
}

/** Takes a weight by name and asserts its shape. */
export function takeWeight(weights: Map<string, NamedArray>, name: string, shape: number[]): NamedArray {
  const w = weights.get(name);
  if (w === undefined) throw new WeightsError('missing', `weight "${name}" is missing from the model files`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new WeightsError('shape', `weight "${name}" has shape [${w.shape}]; expected [${shape}]`);
  }
  return w;
}

/** Reads a scalar constant by name (e.g. an epsilon or a scale stored in the weights). */
export function takeScalar(weights: Map<string, NamedArray>, name: string): number {
  const w = weights.get(name);
  if (w === undefined) throw new WeightsError('missing', `constant "${name}" is missing from the model files`);
  if (w.data.length !== 1) throw new WeightsError('shape', `constant "${name}" has shape [${w.shape}]; expected a scalar`);
  return w.data[0];
}

function concat(buffers: ArrayBuffer[]): Uint8Array {
  if (buffers.length === 1) return new Uint8Array(buffers[0]);
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}
