// How many WASM threads to ask for, and a guard for backend start-ups that can fail outside
// their promise. Pure: no tfjs, so unit tests run it directly.
import { EngineError } from './errors';

/**
 * tfjs-wasm's Emscripten build pre-spawns a pool of 8 pthread workers; asking for more makes it
 * spawn workers while a kernel runs, which a worker can't do without yielding. XNNPACK's matmuls
 * at our sizes (≤ 1536 wide) stop scaling well before 8 threads anyway.
 */
export const MAX_WASM_THREADS = 8;

/**
 * The thread count: `?threads=N` when given (1 means the single-threaded binary), otherwise one
 * per logical core, capped. Throws a message naming the parameter for a malformed value.
 */
export function wasmThreadCount(requested: string | null | undefined, hardwareConcurrency: number | undefined): number {
  if (requested != null && requested !== '') {
    const n = Number(requested);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new EngineError('BAD_ARGUMENT', `threads must be a whole number from 1 to ${MAX_WASM_THREADS}; got "${requested}"`);
    }
    return n;
  }
  const cores = Number.isInteger(hardwareConcurrency) && hardwareConcurrency! > 0 ? hardwareConcurrency! : 1;
  return Math.min(cores, MAX_WASM_THREADS);
}

/**
 * Waits for `start`, but fails it when an uncaught error reaches `scope` (or any of them) first (a pthread worker
 * that cannot load or throws reports there, through Emscripten's worker.onerror, and the start
 * promise then never settles) or when it takes longer than `timeoutMs`. The error event is
 * marked handled so it does not reach the page as "the engine worker crashed".
 */
export function guardedStart<T>(start: () => Promise<T>, scope: EventTarget | EventTarget[], timeoutMs: number, what: string): Promise<T> {
  const scopes = Array.isArray(scope) ? scope : [scope];
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const sc of scopes) sc.removeEventListener('error', onError);
      fn();
    };
    const onError = (e: Event) => {
      if (e.defaultPrevented) return; // handled elsewhere (e.g. a known dead pthread worker)
      e.preventDefault();
      const message = (e as ErrorEvent).message || 'a worker failed to load';
      finish(() => reject(new Error(`${what} failed: ${message}`)));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`${what} did not start within ${Math.round(timeoutMs / 1000)} s`))), timeoutMs);
    for (const sc of scopes) sc.addEventListener('error', onError);
    start().then(
      (v) => finish(() => resolve(v)),
      (err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(`${what} failed: ${String((err as { message?: string })?.message ?? err)}`))),
    );
  });
}

/**
 * Whether an uncaught error in the engine worker comes from a tfjs-wasm pthread worker: either
 * the worker's own error reported up to us (its script's file name), or Emscripten's
 * worker.onerror rethrowing that worker's ErrorEvent.
 */
export function isPthreadError(e: ErrorEvent, pthreadScript = /tfjs-backend-wasm-threaded-simd/): boolean {
  const inner = e.error as { filename?: unknown } | null | undefined;
  return pthreadScript.test(e.filename ?? '') || (typeof Event !== 'undefined' && inner instanceof Event) || (typeof inner?.filename === 'string' && pthreadScript.test(inner.filename));
}
