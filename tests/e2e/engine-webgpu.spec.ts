// Issue 2 in a real browser: our USE-lite encoder on WebGPU (SwiftShader here) against the stock
// graph on WASM, and fine-tuning its top layer on WebGPU. The page is tests/browser/, served by a
// Vite dev server of its own (it is a test page, not part of the app's build).
import { createServer } from 'vite';
import { assert, test } from './fixtures';
import type { EngineCheckResult } from '../browser/engine-check';

test(
  'engine on WebGPU: parity with the stock graph on WASM, and the top layer trains',
  async ({ env }) => {
    test.setTimeout(300_000);
    const server = await createServer({ configFile: 'tests/browser/vite.config.ts', server: { port: 0 } });
    await server.listen();
    try {
      const url = server.resolvedUrls?.local[0];
      assert(url, 'the engine-check server has a URL');
      const ctx = await env.newContext('engine-webgpu');
      const page = await ctx.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 120_000 });
      const r = (await page.evaluate(() => window.runEngineChecks())) as EngineCheckResult;
      console.log(`    engine-webgpu: ${JSON.stringify(r)}`);
      assert(/swiftshader|nvidia|amd|intel|apple/i.test(r.adapter), `a WebGPU adapter was used (got "${r.adapter}")`);
      assert(r.texts >= 20 && r.maxTokens >= 30, `the batch has varied, non-trivial lengths (${r.texts} texts, ${r.maxTokens} tokens)`);
      assert(r.parityMaxAbsDiff <= 1e-4, `WebGPU output within 1e-4 of the graph on WASM (max |Δ| = ${r.parityMaxAbsDiff})`);
      const first = r.webgpuLosses[0];
      const last = r.webgpuLosses[r.webgpuLosses.length - 1];
      assert(r.webgpuLosses.every(Number.isFinite), 'every WebGPU training loss is finite');
      assert(last < first * 0.8, `fine-tuning on WebGPU lowers the loss (${first} → ${last})`);
      assert(r.numTensorsLeaked === 0, `no tensor leaked on WebGPU (${r.numTensorsLeaked})`);
    } finally {
      await server.close();
    }
  },
);
