// Entry point of `npm run test:e2e` (after `vite build`). Optional filter: tsx tests/e2e/run.ts wasm
import { runAll } from './harness';
import { flowTest } from './flow';
import './hostile';
import './engine-webgpu';

// SwiftShader WebGPU is ~50x slower than WASM here: the WebGPU flow keeps training tiny.
flowTest('webgpu', { epochs: 8, batchSize: 8, screenshot: true });
flowTest('wasm', { epochs: 20, batchSize: 8, screenshot: false });
// Before more.ts: its last test checks the requests every earlier test made (privacy).
await import('./finetune');
// Hub encoders: starts the fake Hub before the preview server, which proxies to it.
await import('./hub');
await import('./more');

const failed = await runAll(process.argv[2]);
process.exit(failed > 0 ? 1 : 0);
