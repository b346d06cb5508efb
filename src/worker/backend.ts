// Picks and starts the tfjs backend inside the worker, and says what it got.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The .wasm binaries are emitted as assets of the app itself: served from our origin, never a CDN.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { AdapterInfo, BackendInfo, BackendName, BackendRequest } from './protocol';
import { EngineError } from './errors';
import { guardedStart, isPthreadError, wasmThreadCount } from './threads';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

// Captured before anything can replace it: a failed threaded start re-registers it single-threaded.
const wasmFactory = tf.findBackendFactory('wasm');
const WASM_PRIORITY = 2;
/** A backend start that neither resolves nor reports an error by then has failed. */
const START_TIMEOUT_MS = 60_000;

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

async function tryBackend(name: BackendName, alsoFailOn: EventTarget[] = []): Promise<string | null> {
  if (!tf.findBackendFactory(name)) {
    return name === 'webgpu' ? 'WebGPU is not available in this browser (no navigator.gpu)' : `${name} is not registered`;
  }
  try {
    // Some failures never settle setBackend's promise (a pthread worker that cannot load reports
    // only an uncaught error in this worker): the guard turns those into a failure too.
    const ok = await guardedStart(async () => {
      const started = await tf.setBackend(name);
      await tf.ready();
      return started;
    }, [self, ...alsoFailOn], START_TIMEOUT_MS, name);
    if (!ok) return `${name} did not initialise`;
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
    const message = (err as Error).message ?? String(err);
    return message.startsWith(name) ? message : `${name} failed: ${message}`;
  }
}

/** Replaces the wasm backend (and a pending or failed start of it) by a fresh, single-threaded one. */
function resetWasmSingleThreaded(): void {
  if (!wasmFactory) return;
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.registerBackend('wasm', wasmFactory, WASM_PRIORITY);
}

/** Makes navigator.hardwareConcurrency read `n` until the returned function is called. */
function presentLogicalCores(n: number): () => void {
  const nav = self.navigator as Navigator & { hardwareConcurrency: number };
  try {
    Object.defineProperty(nav, 'hardwareConcurrency', { value: n, configurable: true });
  } catch {
    return () => undefined; // a browser that refuses: tfjs picks its own count (getThreadsCount says which)
  }
  return () => {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

interface WasmStart {
  failure: string | null;
  threads: number;
  threadsNote: string | null;
}

/** WASM on `threads` threads when the page is cross-origin isolated, else (or on failure) on one. */
async function tryWasm(threads: number): Promise<WasmStart> {
  let threadsNote: string | null = null;
  if (threads > 1) {
    if (!self.crossOriginIsolated) {
      threadsNote = 'the page is not cross-origin isolated (the server sends no COOP/COEP headers), so WASM runs on 1 thread';
    } else {
      setThreadsCount(threads);
      // tfjs-wasm caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two
      // hyper-threads per core), which leaves a 2-core machine one thread. It reads the value
      // once, while the module starts, so it sees twice the count we chose for that moment.
      const restore = presentLogicalCores(threads * 2);
      // A pthread worker that fails reports only as uncaught errors here, one per worker, some
      // after the start has already failed: each is absorbed (never a crash of the engine) and
      // the first fails the start.
      const pthreadErrors = new EventTarget();
      const absorb = (e: ErrorEvent) => {
        if (!isPthreadError(e)) return;
        e.preventDefault();
        // Emscripten rethrows the worker's ErrorEvent: its own message says what went wrong.
        const message = (e.error as { message?: string } | null)?.message || e.message;
        pthreadErrors.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
      };
      self.addEventListener('error', absorb);
      let failure: string | null;
      try {
        failure = await tryBackend('wasm', [pthreadErrors]);
      } finally {
        restore();
      }
      if (!failure) {
        self.removeEventListener('error', absorb);
        return { failure: null, threads: getThreadsCount(), threadsNote: null };
      }
      threadsNote = `WASM threads could not start (${failure}), so WASM runs on 1 thread`;
      resetWasmSingleThreaded();
    }
  } else {
    // One thread asked for: the plain SIMD binary, no pthread workers at all.
    resetWasmSingleThreaded();
  }
  const failure = await tryBackend('wasm');
  return { failure, threads: 1, threadsNote };
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

// What startBackend decided, for switching backends later (auto backend).
let threadsChosen = 1;
let wasmStarted: WasmStart | null = null;

function infoFor(name: BackendName, requested: BackendRequest, adapter: AdapterInfo | null, fallbackReason: string | null): BackendInfo {
  return {
    backend: name,
    requested,
    adapter,
    fellBack: fallbackReason != null,
    fallbackReason,
    threads: name === 'wasm' ? (wasmStarted?.threads ?? null) : null,
    threadsNote: name === 'wasm' ? (wasmStarted?.threadsNote ?? null) : null,
    crossOriginIsolated: self.crossOriginIsolated === true,
  };
}

/** Starts `name` (or re-activates it when it already runs in this worker); a string says why not. */
async function activate(name: BackendName): Promise<string | null> {
  if (tf.findBackend(name)) {
    // Initialised before: switching back is instant and cannot fail to load.
    return (await tf.setBackend(name)) ? null : `${name} did not initialise`;
  }
  if (name === 'wasm') {
    wasmStarted = await tryWasm(threadsChosen);
    return wasmStarted.failure;
  }
  return tryBackend(name);
}

/**
 * Starts the requested backend (auto: WebGPU, then WASM), falling back down the list — WASM
 * threads → single-threaded WASM → CPU — instead of failing. `threadsParam` is `?threads=`.
 */
export async function startBackend(requested: BackendRequest, threadsParam: string | null = null, rememberedAuto: BackendName | null = null): Promise<BackendInfo> {
  try {
    threadsChosen = wasmThreadCount(threadsParam, self.navigator?.hardwareConcurrency);
  } catch (err) {
    throw new EngineError('BAD_ARGUMENT', (err as Error).message);
  }
  // Auto starts on the backend measured fastest here before (see auto-backend.ts), if any.
  const wanted = requested !== 'auto' ? [requested] : rememberedAuto ? [rememberedAuto, ...PREFERRED.filter((b) => b !== rememberedAuto)] : PREFERRED;
  const reasons: string[] = [];
  const order = [...wanted, ...LAST_RESORT.filter((b) => !wanted.includes(b))];
  for (const name of order) {
    const failure = await activate(name);
    if (failure) {
      reasons.push(failure);
      continue;
    }
    const first = wanted[0]!;
    const fallbackReason = name !== first ? reasons.join('; ') || `${first} is not available in this browser` : null;
    return infoFor(name, requested, name === 'webgpu' ? await webgpuAdapter() : null, fallbackReason);
  }
  throw new EngineError('BACKEND_FAILED', `no tfjs backend could start: ${reasons.join('; ')}`);
}

/**
 * Switches to `name` for the auto backend (the caller has released every tensor of the current
 * one: WebGPU data cannot be read synchronously, so it would not move). Resolves to the new
 * backend's info, or to why it cannot run.
 */
export async function switchBackend(name: BackendName, requested: BackendRequest): Promise<BackendInfo | string> {
  const failure = await activate(name);
  if (failure) return failure;
  return infoFor(name, requested, name === 'webgpu' ? await webgpuAdapter() : null, null);
}

/** "vendor · architecture" of a WebGPU adapter, for measurements. */
export function adapterLabel(a: AdapterInfo | null): string | null {
  return a ? [a.vendor, a.architecture, a.device].filter(Boolean).join(' · ') : null;
}
