import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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

function cspMeta(): Plugin {
  return {
    name: 'texttune-csp-meta',
    // Dev mode needs inline scripts for React refresh, so the meta policy is for builds only.
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { host: '127.0.0.1', strictPort: false },
  preview: {
    host: '127.0.0.1',
    headers: { 'Content-Security-Policy': `${CSP}; frame-ancestors 'none'`, 'X-Content-Type-Options': 'nosniff' },
  },
});
