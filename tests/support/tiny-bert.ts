// The seeded tiny random BERT of scripts/gen-tiny-bert.mjs, generated once per test file into a
// temporary folder (fixtures are generated, never downloaded or checked in as binaries).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BertFiles } from '../../src/core/encoders/bert';
import { decodeSafetensors } from '../../src/core/formats/safetensors';
import type { ReferenceBertConfig } from './bert-reference';

let dir: string | null = null;

export function tinyBertDir(): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'tiny-bert-'));
  execFileSync(process.execPath, [resolve(__dirname, '../../scripts/gen-tiny-bert.mjs'), dir, '1']);
  return dir;
}

/** A file of the tiny BERT as a plain Uint8Array (not a pooled Buffer view). */
export function tinyFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(tinyBertDir(), name)));
}

export function tinyJson(name: string): unknown {
  return JSON.parse(new TextDecoder().decode(tinyFile(name)));
}

export function tinyBertFiles(variant: 'f32' | 'f16' = 'f32'): BertFiles {
  return {
    config: tinyJson('config.json'),
    tokenizerJson: tinyJson('tokenizer.json'),
    safetensors: tinyFile(variant === 'f32' ? 'model.safetensors' : 'model.fp16.safetensors'),
  };
}

/** The decoded (float32) weights by name, for the float64 reference. */
export function tinyWeights(variant: 'f32' | 'f16' = 'f32'): Map<string, Float32Array> {
  const bytes = tinyBertFiles(variant).safetensors;
  return new Map(decodeSafetensors(bytes).tensors.map((t) => [t.name, t.data as Float32Array]));
}

export const TINY_REFERENCE: ReferenceBertConfig = { hidden: 32, layers: 2, heads: 4, layerNormEps: 1e-12, pooling: 'mean', normalize: false };

export const TINY_TEXTS = [
  'the movie was great',
  'terrible acting, boring plot and the worst ending ever!!!',
  '',
  'I loved it',
  'unwatchable 東京 film — “quotes” $5 & more',
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty the end',
];
