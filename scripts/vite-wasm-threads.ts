// Makes tfjs-backend-wasm's threaded-SIMD binary load from a production build.
//
// Why: tfjs starts its pthread workers from two Blobs it builds at run time: the Emscripten
// worker script (a string constant) and the module factory's own source, read back with
// `wasmFactoryThreadedSimd.toString()`. That factory is a closure over `_scriptDir`; once the
// build minifies it, `_scriptDir` is renamed (to `e`) and its `typeof` guard is dropped, so the
// text read back is no longer self-contained and every pthread worker dies with
// "ReferenceError: e is not defined". Blob workers would also need `blob:` in the CSP's
// worker-src and script-src.
//
// What: the build emits both scripts unchanged from node_modules as same-origin assets, and
// tfjs's two Blob constructions are rewritten to those URLs. Nothing is minified, no `blob:` is
// needed, and a tfjs upgrade that changes either construction fails the build here instead of
// failing in users' browsers. (Dev pre-bundles tfjs unminified, and its Blob path works there.)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const VIRTUAL = 'virtual:texttune-wasm-pthreads';
const RESOLVED = '\0' + VIRTUAL;

/** tfjs-backend-wasm's two Blob constructions (4.x), and what replaces each. */
export const REWRITES: { name: string; pattern: RegExp; replacement: string }[] = [
  {
    name: 'pthread worker script',
    pattern: /const response = wasmWorkerContents\.replace\([^;]*;\s*const blob = new Blob\(\[response\][^;]*;\s*return URL\.createObjectURL\(blob\);/,
    replacement: 'return __texttunePthreads.workerUrl;',
  },
  {
    name: 'threaded module factory source',
    pattern: /factoryConfig\.mainScriptUrlOrBlob = new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\][^;]*;/,
    replacement: 'factoryConfig.mainScriptUrlOrBlob = __texttunePthreads.mainScriptUrl;',
  },
];

/** Applies REWRITES to backend_wasm.js; throws naming the construction that was not found. */
export function rewriteBackendWasm(code: string): string {
  let out = code;
  for (const r of REWRITES) {
    if (!r.pattern.test(out)) {
      throw new Error(`texttune-wasm-threads: the ${r.name} construction was not found in @tensorflow/tfjs-backend-wasm/dist/backend_wasm.js (tfjs changed?); threaded WASM would break in the build`);
    }
    out = out.replace(r.pattern, r.replacement);
  }
  return `import { pthreads as __texttunePthreads } from '${VIRTUAL}';\n${out}`;
}

/** The two scripts a pthread worker needs, as plain classic scripts. */
export function pthreadScripts(): { main: string; worker: string } {
  const require = createRequire(import.meta.url);
  const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const main = readFileSync(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js'), 'utf8');
  const { wasmWorkerContents } = require(join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The template literal turned the script's "\n" escapes into newlines inside string literals;
  // tfjs escapes them back before making its Blob, and so do we.
  return { main, worker: wasmWorkerContents.replace(/\n/g, '\\n') };
}

function hashed(name: string, source: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
  return `${name}-${hash}.js`;
}

export function wasmThreads(): Plugin {
  return {
    name: 'texttune-wasm-threads',
    apply: 'build',
    resolveId(id) {
      return id === VIRTUAL ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      const { main, worker } = pthreadScripts();
      const mainName = hashed('tfjs-backend-wasm-threaded-simd', main);
      const workerName = hashed('tfjs-backend-wasm-threaded-simd.worker', worker);
      this.emitFile({ type: 'asset', fileName: `assets/${mainName}`, source: main });
      this.emitFile({ type: 'asset', fileName: `assets/${workerName}`, source: worker });
      // Resolved at run time next to the engine worker's chunk (also in assets/), so any base
      // path works. Absolute URLs: a pthread worker resolves importScripts against itself.
      return [
        `const at = (name) => new URL(name, import.meta.url).href;`,
        `export const pthreads = { mainScriptUrl: at(${JSON.stringify(mainName)}), workerUrl: at(${JSON.stringify(workerName)}) };`,
      ].join('\n');
    },
    transform(code, id) {
      if (!/[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/.test(id.split('?')[0]!)) return null;
      return { code: rewriteBackendWasm(code), map: null };
    },
  };
}
