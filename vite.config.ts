import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { request } from 'node:http';
import { wasmThreads } from './scripts/vite-wasm-threads.ts';
import { pwa } from './pwa.config.ts';

// Where encoder weights may come from besides this origin (model hubs, for later encoders).
const MODEL_HOSTS = ['https://huggingface.co', 'https://*.hf.co', 'https://cdn-lfs.huggingface.co'];

/**
 * Scripts only from this origin, no eval ('wasm-unsafe-eval' only lets WebAssembly compile),
 * network only to this origin and the model hosts. The same policy goes in a <meta> of the
 * built page (static hosting) and in the preview server's headers (which also cover the worker).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  `connect-src 'self' ${MODEL_HOSTS.join(' ')}`,
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The e2e tests' stand-in for the Hugging Face Hub (tests/e2e/hub.ts) runs on its own port; the
 * preview server forwards E2E_HUB_PATH to it when TEXTTUNE_E2E_HUB names it, and the page gets
 * `?hub=/__e2e-hub`. Same origin, so the CSP above (the <meta> in the build included) stays
 * exactly as in production: no localhost source is ever added to connect-src.
 */
export const E2E_HUB_PATH = '/__e2e-hub';
function e2eHubProxy(target: string): Plugin {
  return {
    name: 'texttune-e2e-hub',
    // A hand-written forwarder rather than preview.proxy: that one leaves the browser waiting
    // forever when the upstream connection drops, and the test drops one on purpose (resume).
    configurePreviewServer(server) {
      server.middlewares.use(E2E_HUB_PATH, (req, res) => {
        const url = new URL(req.url || '/', target);
        const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on('close', () => {
            if (!up.complete) res.destroy();
          });
        });
        upstream.on('error', (err) => {
          if (res.headersSent) return void res.destroy();
          res.writeHead(502, { 'Content-Type': 'text/plain' });
          res.end(`the e2e Hub stand-in is unreachable: ${err.message}`);
        });
        req.pipe(upstream);
      });
    },
  };
}
const e2eHub = process.env.TEXTTUNE_E2E_HUB;

/**
 * Cross-origin isolation, so SharedArrayBuffer exists and tfjs-wasm can run on every core.
 * COEP `require-corp` rather than `credentialless`: every cross-origin load of the app is a CORS
 * fetch (the Hugging Face Hub and its CDN answer with Access-Control-Allow-Origin), which
 * require-corp allows, and require-corp works in every browser that has SharedArrayBuffer
 * (Safari has no `credentialless`). Static hosts must send the same two headers (README).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function cspMeta(): Plugin {
  return {
    name: 'texttune-csp-meta',
    // Dev mode needs inline scripts for React refresh, so the meta policy is for builds only.
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), cspMeta(), pwa(), ...(e2eHub ? [e2eHubProxy(e2eHub)] : [])],
  // tfjs runs only in the engine worker, whose bundle gets its own plugin list.
  worker: { format: 'es', plugins: () => [wasmThreads()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1', strictPort: false, headers: ISOLATION_HEADERS },
  preview: {
    host: '127.0.0.1',
    headers: { 'Content-Security-Policy': `${CSP}; frame-ancestors 'none'`, 'X-Content-Type-Options': 'nosniff', ...ISOLATION_HEADERS },
  },
});
