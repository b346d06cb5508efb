// What every encoder does with its named parameters: overwrite some by name (fine-tuned layers
// from a checkpoint or a bundle) and hash them all (the weights hash that keys caches and runs).
import * as tf from '@tensorflow/tfjs-core';
import { sha256Hex } from '../sha256';
import { WeightsError } from './weights';

export interface NamedParam {
  /** The weight's name in the encoder's own files. */
  name: string;
  variable: tf.Variable;
  /** Stored transposed relative to the files (BERT's Linear weights: [out, in] → [in, out]). */
  transposed?: boolean;
}

export function assignNamedParams(params: NamedParam[], weights: { name: string; data: Float32Array }[]): void {
  const byName = new Map(params.map((p) => [p.name, p.variable]));
  for (const w of weights) {
    const v = byName.get(w.name);
    if (!v) throw new WeightsError('missing', `no encoder weight named "${w.name}"`);
    if (w.data.length !== v.size) {
      throw new WeightsError('shape', `weight "${w.name}" has ${w.data.length} values; the encoder expects shape [${v.shape}]`);
    }
    tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
  }
}

/**
 * The weights hash of an encoder with some weights replaced (fine-tuned layers): H(base hash ‖ each
 * replaced weight's name, size and float32 bytes, by name). It reads only what changed, from the
 * CPU copies the run already holds: no read-back and no hash of the whole encoder (≈130 MB for
 * bge-small, twice per switch of runs before).
 */
export async function tunedWeightsHash(baseHash: string, weights: readonly { name: string; data: Float32Array }[]): Promise<string> {
  const text = new TextEncoder();
  const parts: (Uint8Array | ArrayBuffer)[] = [text.encode(`tuned:${baseHash}`)];
  for (const w of [...weights].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    parts.push(text.encode(`|${w.name}|${w.data.length}|`), new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  }
  return sha256Hex(parts);
}

/** sha256 over every parameter's float32 bytes, in order. */
export async function hashNamedParams(params: NamedParam[]): Promise<string> {
  const buffers: ArrayBuffer[] = [];
  for (const p of params) buffers.push(((await p.variable.data()) as Float32Array).slice().buffer);
  return sha256Hex(buffers);
}
