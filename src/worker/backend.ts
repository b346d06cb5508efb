// Picks and starts the tfjs backend inside the worker, and says what it got.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The .wasm binaries are emitted as assets of the app itself: served from our origin, never a CDN.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { AdapterInfo, BackendInfo, BackendName, BackendRequest } from './protocol';
import { EngineError } from './errors';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

const PREFERRED: BackendName[] = ['webgpu', 'wasm'];
const LAST_RESORT: BackendName[] = ['wasm', 'cpu'];

export function parseBackendRequest(value: string | null): BackendRequest {
  switch (value) {
    case 'webgpu':
    case 'wasm':
    case 'webgl':
    case 'cpu':
      return value;
    default:
      return 'auto';
  }
}

async function tryBackend(name: BackendName): Promise<string | null> {
  if (!tf.findBackendFactory(name)) {
    return name === 'webgpu' ? 'WebGPU is not available in this browser (no navigator.gpu)' : `${name} is not registered`;
  }
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `${name} did not initialise`;
    await tf.ready();
    // A tiny op proves the backend really runs (a software adapter can still fail here).
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    try {
      const [value] = await sum.data();
      if (value !== 3) return `${name} computed 1 + 2 = ${value}`;
    } finally {
      sum.dispose();
    }
    return null;
  } catch (err) {
    return `${name} failed: ${(err as Error).message}`;
  }
}

async function webgpuAdapter(): Promise<AdapterInfo | null> {
  const gpu = (self.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info;
  return {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || 'unknown',
    device: info.device || '',
    description: info.description || '',
  };
}

export async function startBackend(requested: BackendRequest): Promise<BackendInfo> {
  const wanted = requested === 'auto' ? PREFERRED : [requested];
  const reasons: string[] = [];
  const order = [...wanted, ...LAST_RESORT.filter((b) => !wanted.includes(b))];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure) {
      reasons.push(failure);
      continue;
    }
    const first = wanted[0]!;
    const fellBack = name !== first;
    return {
      backend: name,
      requested,
      adapter: name === 'webgpu' ? await webgpuAdapter() : null,
      fellBack,
      fallbackReason: fellBack ? reasons.join('; ') || `${first} is not available in this browser` : null,
    };
  }
  throw new EngineError('BACKEND_FAILED', `no tfjs backend could start: ${reasons.join('; ')}`);
}
