// WASM threads: the thread count rule, the start-up guard, and the build rewrite that lets the
// threaded binary's pthread workers load from a minified production build.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, guardedStart, isPthreadError, wasmThreadCount } from '../../src/worker/threads';
import { REWRITES, pthreadScripts, rewriteBackendWasm } from '../../scripts/vite-wasm-threads';

describe('wasmThreadCount', () => {
  it('uses one thread per logical core, capped at the pre-spawned pool', () => {
    expect(wasmThreadCount(null, 2)).toBe(2);
    expect(wasmThreadCount(null, 64)).toBe(MAX_WASM_THREADS);
    expect(wasmThreadCount(undefined, undefined)).toBe(1);
    expect(wasmThreadCount('', 0)).toBe(1);
  });
  it('honours ?threads= and rejects a bad value, naming the parameter', () => {
    expect(wasmThreadCount('1', 16)).toBe(1);
    expect(wasmThreadCount('4', 2)).toBe(4);
    for (const bad of ['0', '9', '2.5', 'two', '-1']) expect(() => wasmThreadCount(bad, 4)).toThrow(`threads must be a whole number from 1 to 8; got "${bad}"`);
  });
});

describe('guardedStart', () => {
  it('passes a successful start through', async () => {
    await expect(guardedStart(async () => 42, new EventTarget(), 1000, 'wasm')).resolves.toBe(42);
  });
  it('fails a start that an uncaught worker error interrupts, and marks the error handled', async () => {
    const scope = new EventTarget();
    const never = new Promise<number>(() => undefined);
    const p = guardedStart(() => never, scope, 10_000, 'wasm');
    const event = new Event('error', { cancelable: true });
    Object.assign(event, { message: 'Uncaught ReferenceError: e is not defined' });
    scope.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await expect(p).rejects.toThrow('wasm failed: Uncaught ReferenceError: e is not defined');
  });
  it('fails a start that never settles, and stops listening afterwards', async () => {
    const scope = new EventTarget();
    await expect(guardedStart(() => new Promise(() => undefined), scope, 20, 'webgpu')).rejects.toThrow('webgpu did not start within 0 s');
    const later = new Event('error', { cancelable: true });
    scope.dispatchEvent(later);
    expect(later.defaultPrevented).toBe(false);
  });
  it('passes a rejection through', async () => {
    await expect(guardedStart(() => Promise.reject(new Error('no adapter')), new EventTarget(), 1000, 'webgpu')).rejects.toThrow('no adapter');
  });
});

describe('the build rewrite of tfjs-backend-wasm', () => {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/backend_wasm.js'), 'utf8');

  it('replaces both Blob constructions of the installed tfjs with same-origin script URLs', () => {
    for (const r of REWRITES) expect(r.pattern.test(source), r.name).toBe(true);
    const out = rewriteBackendWasm(source);
    expect(out).not.toContain('wasmFactoryThreadedSimd.toString()');
    expect(out).not.toContain('URL.createObjectURL');
    expect(out).toContain('factoryConfig.mainScriptUrlOrBlob = __texttunePthreads.mainScriptUrl;');
    expect(out).toContain('return __texttunePthreads.workerUrl;');
  });

  it('fails the build, naming the construction, when tfjs changes', () => {
    expect(() => rewriteBackendWasm(source.replace('wasmFactoryThreadedSimd.toString()', 'factory.toString()'))).toThrow('the threaded module factory source construction was not found');
  });

  it('emits self-contained classic scripts for the pthread workers', () => {
    const { main, worker } = pthreadScripts();
    // The factory script defines the global the worker script calls, with no free variables
    // left over from a bundle (the cause of "ReferenceError: e is not defined").
    const sandbox: Record<string, unknown> = {};
    runInNewContext(main, sandbox);
    expect(typeof sandbox.WasmBackendModuleThreadedSimd).toBe('function');
    // The worker script parses (its "\n" escapes are restored) and calls that global.
    expect(() => new Function(worker)).not.toThrow();
    expect(worker).toContain('WasmBackendModuleThreadedSimd(Module)');
  });
});

describe('isPthreadError', () => {
  const ev = (init: { filename?: string; error?: unknown }) => Object.assign(new Event('error'), { filename: '', error: null, ...init }) as unknown as ErrorEvent;
  it('recognises a pthread worker error reported up, and Emscripten rethrowing its event', () => {
    expect(isPthreadError(ev({ filename: 'http://x/assets/tfjs-backend-wasm-threaded-simd.worker-ee98f555.js' }))).toBe(true);
    expect(isPthreadError(ev({ error: new Event('error') }))).toBe(true);
  });
  it('leaves every other error alone', () => {
    expect(isPthreadError(ev({ filename: 'http://x/assets/engine.worker-1.js', error: new Error('bug') }))).toBe(false);
  });
});
