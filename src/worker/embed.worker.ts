// One parallel embedding worker (see embed-pool.ts): single-threaded WASM tfjs, the pristine
// encoder built from the files the engine stored in IndexedDB, and nothing else.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import type { TextEncoder } from '../core/encoders/types';
import { getEncoderFiles } from '../storage/encoder-files';
import { buildEncoder } from './encoder-build';
import { parseEncoderId } from './hub-encoders';
import type { PoolJob, PoolReply } from './embed-pool';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// One thread here: the parallelism is the pool's workers (the threaded binary is not even served to us).
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmSimd });

let ready: Promise<unknown> | null = null;
let current: { key: string; encoder: Promise<TextEncoder> } | null = null;

async function encoderFor(job: PoolJob): Promise<TextEncoder> {
  const key = `${job.encoderId}@${job.revision}`;
  if (current?.key !== key) {
    const previous = current;
    const build = async () => {
      (await previous?.encoder.catch(() => null))?.dispose();
      const records = await getEncoderFiles(job.encoderId, job.revision);
      if (records.length === 0) throw new Error(`the files of ${key} are not in this browser's storage`);
      return buildEncoder(parseEncoderId(job.encoderId), records);
    };
    current = { key, encoder: build() };
  }
  const encoder = await current.encoder;
  if (encoder.weightsHash !== job.weightsHash) throw new Error(`the stored files of ${key} build other weights than the engine's`);
  return encoder;
}

scope.onmessage = async (e: MessageEvent<PoolJob>) => {
  const job = e.data;
  try {
    ready ??= tf.setBackend('wasm').then((ok) => {
      if (!ok) throw new Error('WASM did not start in an embedding worker');
    });
    await ready;
    const encoder = await encoderFor(job);
    const vectors = await encoder.embedTexts(job.texts, { batchSize: job.batchSize, ...(job.longText ? { longText: job.longText } : {}), ...(job.reference ? { reference: true } : {}) });
    scope.postMessage({ id: job.id, ok: true, vectors } satisfies PoolReply, [vectors.buffer]);
  } catch (err) {
    scope.postMessage({ id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies PoolReply);
  }
};
