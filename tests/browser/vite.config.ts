// Dev server for the in-browser engine checks (tests/e2e/engine-webgpu.ts): serves this folder,
// the app's public/ (the encoder files) and the repo's sources.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: `${repo}public`,
  server: { host: '127.0.0.1', fs: { allow: [repo] } },
  // Pre-bundle up front: a dependency discovered on first load makes Vite reload the page mid-test.
  optimizeDeps: {
    entries: ['engine-check.ts'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  logLevel: 'warn',
});
