// Speed where users are (issue 10): the production headers make the app cross-origin isolated
// and WASM runs on every core; threads that cannot start fall back to one thread and say so;
// the auto backend measures WebGPU against WASM and keeps the faster; training never blocks
// the page.
import { assert, test, type Page } from './fixtures';
import { backendOf, openApp, predict, train, useSampleAndSave, trainSettings, fineTuneResult } from './steps';
import { staticHost } from './static-host';

/** Records the longest main-thread task from now on (PerformanceObserver 'longtask'). */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
}
const longestTask = (page: Page) => page.evaluate(() => (window as unknown as { __longest: number }).__longest);

test('isolation: COOP/COEP make the page cross-origin isolated, WASM runs on one thread per core; trains and predicts with no main-thread task over 200 ms', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('threads');
  const page = await openApp(env, ctx, 'wasm');
  const [isolated, cores] = await page.evaluate(() => [crossOriginIsolated, navigator.hardwareConcurrency] as const);
  assert(isolated, 'the preview server sends COOP/COEP, so the page is cross-origin isolated');
  const expected = Math.min(cores, 8);
  const threads = (await page.getByTestId('backend-threads').textContent())!.trim();
  assert(threads === `· ${expected} ${expected === 1 ? 'thread' : 'threads'}`, `the header shows "${threads}", expected ${expected} thread(s) on ${cores} cores`);
  assert((await page.getByTestId('threads-fallback').count()) === 0, 'no threads fallback notice');
  await useSampleAndSave(page);
  await trainSettings(page);
  await watchLongTasks(page);
  await train(page, { epochs: 5, batchSize: 8 });
  const longest = await longestTask(page);
  assert(longest <= 200, `the longest main-thread task while training was ${longest} ms (limit 200)`);
  const p = await predict(page, 'Great product, works perfectly and arrived early');
  const total = Object.values(p).reduce((a, b) => a + b, 0);
  assert(Math.abs(total - 1) < 1e-3, `probabilities sum to 1 (${total})`);
});

test('parallel embedding: with N threads a bulk embedding runs on N workers (one encoder copy each) and gives the engine’s own vectors; on USE-lite’s own kernel, a typed text too', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('pool');
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  // ?bench exposes the engine client (what the app's pages call) on window.
  await page.goto(`${env.base}/?backend=wasm&bench`);
  await page.getByTestId('backend-name').waitFor();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const expected = Math.min(cores, 4);
  const timing = await page.evaluate(async () => {
    const engine = (window as unknown as { texttuneEngine: { call(m: string, a: unknown): Promise<{ workers: number; poolMaxAbsDiff: number | null; texts: number; path: string }> } }).texttuneEngine;
    const texts = Array.from({ length: 96 }, (_, i) => `Review ${i}: ${'good value and quick delivery, '.repeat(1 + (i % 5))}would buy again`);
    return engine.call('perf.embed', { encoderId: 'use-lite', texts });
  });
  // Embedding runs on USE-lite's own WebAssembly kernel (relaxed SIMD in Chromium), a typed text too, with forward()'s vectors.
  const typed = await page.evaluate(async () => {
    const engine = (window as unknown as { texttuneEngine: { call(m: string, a: unknown): Promise<{ path: string; referenceMaxAbsDiff?: number }> } }).texttuneEngine;
    return engine.call('perf.embed', { encoderId: 'use-lite', latency: true, texts: ['The battery died after two days.', 'Lovely soft fabric, true to size, and it washes well too.'] });
  });
  assert(timing.path === 'relaxed-simd' && typed.path === 'relaxed-simd', `texts run on the relaxed-SIMD kernel (paths: ${timing.path}, ${typed.path})`);
  assert(typed.referenceMaxAbsDiff !== undefined && typed.referenceMaxAbsDiff < 1e-5, `its vectors equal forward()'s (max |Δ| ${typed.referenceMaxAbsDiff})`);
  if (expected < 2) {
    assert(timing.workers === 0, `one core: no workers (${timing.workers})`);
    return;
  }
  assert(timing.workers === expected, `${timing.texts} texts went to ${timing.workers} workers, expected ${expected}`);
  assert(timing.poolMaxAbsDiff !== null && timing.poolMaxAbsDiff < 1e-4, `the workers' vectors equal the engine's (max |Δ| ${timing.poolMaxAbsDiff})`);
});

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

test('threads fallback: pthread workers that cannot start leave WASM on one thread, the engine alive, and the header says why', async ({ env }) => {
  test.setTimeout(240_000);
  // The production headers, but the pthread worker script throws (a host that mangles the file).
  const host = await staticHost({ headers: ISOLATION, replace: [[/tfjs-backend-wasm-threaded-simd\.worker-[^/]*\.js$/, 'throw new Error("this pthread worker script is broken on purpose");']] });
  // Not env.newContext: the broken pthread workers' own uncaught errors are expected here, so
  // this test checks the page's problems itself and lets only those through.
  const ctx = await env.browser.newContext();
  const problems: string[] = [];
  ctx.on('page', (p) => p.on('pageerror', (e) => problems.push(e.message)));
  try {
    const page = await openApp(host, ctx, 'wasm');
    assert(await page.evaluate(() => crossOriginIsolated), 'still cross-origin isolated');
    const b = await backendOf(page);
    assert(b.name === 'wasm' && !b.fellBack, `WASM still runs (header: ${b.name}${b.fellBack ? ', fell back' : ''})`);
    const threads = (await page.getByTestId('backend-threads').textContent())!.trim();
    assert(threads === '· 1 thread', `the header shows "${threads}", expected 1 thread`);
    const note = (await page.getByTestId('threads-fallback').textContent()) ?? '';
    assert(/WASM threads could not start .*broken on purpose.*1 thread/.test(note), `the notice says why: "${note}"`);
    await useSampleAndSave(page);
    await train(page, { epochs: 2, batchSize: 8 });
    await predict(page, 'Terrible, it broke after one day');
    const unexpected = problems.filter((m) => !m.includes('broken on purpose'));
    assert(unexpected.length === 0, `no other uncaught error: ${unexpected.join(' | ')}`);
    assert((await page.getByTestId('backend-error').count()) === 0, 'the engine did not crash');
  } finally {
    await ctx.close();
    await host.close();
  }
});

test('no isolation: on a static host without COOP/COEP, WASM runs on one thread and the header says why', async ({ env }) => {
  const host = await staticHost();
  try {
    const ctx = await env.newContext('no-headers');
    const page = await openApp(host, ctx, 'wasm');
    assert(!(await page.evaluate(() => crossOriginIsolated)), 'without the headers the page is not cross-origin isolated');
    const threads = (await page.getByTestId('backend-threads').textContent())!.trim();
    assert(threads === '· 1 thread', `the header shows "${threads}"`);
    const note = (await page.getByTestId('threads-fallback').textContent()) ?? '';
    assert(/not cross-origin isolated.*COOP\/COEP/.test(note), `the notice names the missing headers: "${note}"`);
    await ctx.close();
  } finally {
    await host.close();
  }
});

test('auto backend: on first use WebGPU (SwiftShader) and WASM are timed, WASM wins and is remembered after a reload; fine-tuning gets its own choice', async ({ env }) => {
  test.setTimeout(300_000);
  const ctx = await env.newContext('auto');
  const page = await openApp(env, ctx, null);
  await useSampleAndSave(page);
  await trainSettings(page);
  await page.getByTestId('perf-none').waitFor();
  await train(page, { epochs: 2, batchSize: 8 });
  // The result opens step 3; the measurements are on the Train step.
  await trainSettings(page);
  const table = page.getByTestId('perf-table');
  await table.waitFor();
  const wasm = Number(await page.getByTestId('perf-speed-wasm').textContent());
  const webgpuText = (await page.getByTestId('perf-speed-webgpu').textContent())!;
  const webgpu = Number(webgpuText);
  assert(wasm > 0, `WASM was measured (${wasm} texts/s)`);
  assert(!(webgpu >= wasm), `SwiftShader WebGPU (${webgpuText}) loses to WASM (${wasm})`);
  assert((await page.getByTestId('perf-row-wasm').getByTestId('perf-chosen').count()) === 1, 'WASM is marked chosen');
  assert((await backendOf(page)).name === 'wasm', 'the header now says wasm');
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  const after = await backendOf(page);
  assert(after.name === 'wasm' && !after.fellBack, `after a reload the remembered WASM runs from the start (header: ${after.name})`);
  await trainSettings(page);
  await page.getByTestId('perf-table').waitFor();

  // First fine-tune: steps are timed per backend too; WebGPU, ~70× slower at embedding, is not
  // even timed (minutes per step on SwiftShader) and WASM is chosen.
  for (const [key, v] of Object.entries({ 'ft-unfreezeLayers': 1, 'ft-epochs': 1, 'ft-batchSize': 4 })) await page.getByTestId(key).fill(String(v));
  await page.getByTestId('ft-start').click();
  await fineTuneResult(page, 240_000);
  await trainSettings(page);
  await page.getByTestId('perf-ft-table').waitFor();
  const ftWasm = Number(await page.getByTestId('perf-ft-speed-wasm').textContent());
  assert(ftWasm > 0, `fine-tuning steps were timed on WASM (${ftWasm} texts/s)`);
  const ftWebgpu = page.getByTestId('perf-ft-speed-webgpu');
  assert(/slower than the fastest backend at embedding/.test((await ftWebgpu.locator('span').getAttribute('title')) ?? ''), 'WebGPU was skipped for fine-tuning, with the reason');
  assert((await page.getByTestId('perf-ft-row-wasm').getByTestId('perf-ft-chosen').count()) === 1, 'WASM is chosen for fine-tuning');
  assert((await backendOf(page)).name === 'wasm', 'the header still says wasm');
});
