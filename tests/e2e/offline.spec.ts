// Offline use, installability and updates (issue 11), in Debian's Chromium with the real service
// worker of the built app: nothing is mocked, "offline" is the browser context's offline mode.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, expect, test, type Page } from './fixtures';
import { exportAs, openApp, predict, tab, train, useSampleAndSave, trainSettings } from './steps';

const HUB_MODEL = 'sentence-transformers/all-MiniLM-L6-v2';

async function datasetCount(page: Page): Promise<number> {
  await tab(page, 'datasets');
  await page.getByTestId('dataset-list').waitFor();
  return page.getByTestId('dataset-item').count();
}

async function runCount(page: Page): Promise<number> {
  await trainSettings(page);
  await page.getByTestId('run-list').waitFor();
  return page.getByTestId('run-item').count();
}

test('offline: visit once, go offline, reload → datasets listed, train on the built-in encoder, predict, export; Hub says it needs the network', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('offline');
  const page = await openApp(env, ctx, 'wasm');
  // The first visit caches the app (service worker) and stores the built-in encoder (IndexedDB).
  await page.getByTestId('offline-ready').waitFor();
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href;
    return href ? ((await (await fetch(href)).json()) as { display?: string; icons?: { sizes: string }[] }) : null;
  });
  assert(manifest?.display === 'standalone' && manifest.icons?.some((i) => i.sizes === '512x512'), `an installable manifest is linked: ${JSON.stringify(manifest)}`);
  // Chromium's own verdict on "Install app" (manifest fields, icons, service worker).
  const cdp = await ctx.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  // (Playwright's contexts are incognito profiles, where nothing installs: that one reason is expected.)
  const blocking = installabilityErrors.filter((e) => e.errorId !== 'in-incognito');
  assert(blocking.length === 0, `Chromium finds the app installable: ${JSON.stringify(installabilityErrors)}`);
  await cdp.detach();
  assert((await page.locator('script:not([src])').count()) === 0, 'the page has no inline script (CSP)');
  // The encoder is in IndexedDB only: Cache Storage holds the app, not a second copy of 28 MB.
  const cache = await page.evaluate(async () => {
    const entries: { url: string; bytes: number }[] = [];
    for (const name of await caches.keys()) {
      const c = await caches.open(name);
      for (const req of await c.keys()) entries.push({ url: req.url, bytes: (await (await c.match(req))!.arrayBuffer()).byteLength });
    }
    return entries;
  });
  const cachedBytes = cache.reduce((a, e) => a + e.bytes, 0);
  assert(cache.some((e) => /\/index\.html/.test(e.url)) && cache.some((e) => /\.wasm/.test(e.url)), `the shell and WASM are cached: ${cache.map((e) => e.url).join(', ')}`);
  assert(!cache.some((e) => /\/models\//.test(e.url)) && cachedBytes < 8e6, `no encoder file in Cache Storage (${cache.length} files, ${cachedBytes} bytes)`);

  await useSampleAndSave(page);
  // The first saved dataset asks for persistent storage; the header says what the browser answered.
  const persistence = page.getByTestId('storage-persistence');
  await expect(persistence).toHaveText(/^(persistent storage|storage not persistent)$/);
  if ((await persistence.getAttribute('data-persisted')) === 'false') {
    assert(/delete this site’s data/.test((await persistence.getAttribute('title')) ?? ''), 'the badge explains eviction');
  }
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const threads = async () => ((await page.getByTestId('backend-threads').count()) > 0 ? await page.getByTestId('backend-threads').textContent() : null);
  const threadsOnline = await threads();

  await ctx.setOffline(true);
  await page.getByTestId('offline-badge').waitFor();
  const requests: { url: string; fromServiceWorker: boolean | null; failure: string | null }[] = [];
  ctx.on('requestfinished', async (r) => requests.push({ url: r.url(), fromServiceWorker: (await r.response())?.fromServiceWorker() ?? null, failure: null }));
  ctx.on('requestfailed', (r) => requests.push({ url: r.url(), fromServiceWorker: null, failure: r.failure()?.errorText ?? 'failed' }));
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await page.getByTestId('offline-badge').waitFor();
  assert((await page.evaluate(() => crossOriginIsolated)) === isolated, `a page served by the service worker keeps cross-origin isolation (${isolated})`);
  // WASM threads start from cached scripts too (perf's COOP/COEP build): same thread count as online.
  assert((await threads()) === threadsOnline, `offline the engine runs with ${await threads()} like online (${threadsOnline})`);

  assert((await datasetCount(page)) === 1, 'the saved dataset is listed offline');
  await train(page, { epochs: 10, batchSize: 8 });
  const probs = await predict(page, 'Great value, works perfectly and arrived early.');
  const sum = Object.values(probs).reduce((a, v) => a + v, 0);
  assert(Math.abs(sum - 1) < 1e-4, `offline prediction: ${JSON.stringify(probs)}`);
  const bundle = await exportAs(page, 'bundle');
  assert(bundle.name.endsWith('.texttune.zip') && bundle.bytes.length > 1000, `offline export (${bundle.name}, ${bundle.bytes.length} bytes)`);

  // A Hub model: the panel says it needs the network before anything is tried...
  await trainSettings(page);
  await page.getByTestId('hub-model-input').fill(HUB_MODEL);
  await page.getByTestId('hub-model-use').click();
  await expect(page.getByTestId('encoder-needs-network')).toContainText('needs the network');
  await expect(page.getByTestId('encoder-load')).toBeDisabled();
  // ...and training with it anyway gets the same answer from the engine, without a request.
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('train-error')).toContainText('needs the network');

  const network = requests.filter((r) => !/^(blob|data):/.test(r.url) && r.fromServiceWorker !== true);
  assert(network.length === 0, `offline, every request was answered by the service worker: ${JSON.stringify(network)}`);
  assert(requests.some((r) => /engine\.worker-.*\.js$/.test(r.url)) && requests.some((r) => /\.wasm$/.test(r.url)), 'the engine worker and the WASM binary came from the cache too');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function runNode(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

/** `vite preview` of one build directory on a fixed port (so two builds share one origin). */
async function preview(port: number, outDir: string): Promise<{ stop(): Promise<void> }> {
  const proc: ChildProcess = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir], {
    stdio: 'ignore',
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill();
    });
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) throw new Error(`vite preview of ${outDir} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return { stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`vite preview of ${outDir} did not start`);
}

test('update: a second build at the same origin is offered, held while a training runs, and keeps all data', async ({ env }) => {
  test.setTimeout(300_000);
  // Build B: the same app with another build id (so its files, and its service worker, differ).
  const outDir = mkdtempSync(join(tmpdir(), 'texttune-build-b-'));
  let server: { stop(): Promise<void> } | null = null;
  try {
    await runNode(['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { VITE_BUILD_ID: 'e2e-build-b' });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = await preview(port, 'dist');
    const ctx = await env.newContext('update');
    const page = await openApp({ base }, ctx, 'wasm');
    const versionA = (await page.getByTestId('app-version').textContent()) ?? '';
    await page.getByTestId('offline-ready').waitFor();
    await useSampleAndSave(page);
    await train(page, { epochs: 5, batchSize: 8 });
    assert((await runCount(page)) === 1, 'one run before the update');

    // Build B replaces build A at the same origin.
    await server.stop();
    server = await preview(port, outDir);

    // A long training (many small steps, no early stop) is running when the update arrives.
    await trainSettings(page);
    // A hidden-layer head trains epoch by epoch (the default logistic regression is done in seconds).
    for (const [k, v] of Object.entries({ 'cfg-hiddenUnits': 64, 'cfg-epochs': 500, 'cfg-batchSize': 1, 'cfg-patience': 0 })) await page.getByTestId(k).fill(String(v));
    await page.getByTestId('train-button').click();
    await page.getByTestId('train-progress').waitFor();
    // The open tab looks for a new build when the network comes back (and every hour).
    await ctx.setOffline(true);
    await ctx.setOffline(false);
    await page.getByTestId('update-banner').waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('update-reload')).toBeDisabled();
    await expect(page.getByTestId('update-waiting')).toContainText('a training run');
    assert((await page.getByTestId('train-progress').count()) === 1, 'the training is still running');

    // Stopping keeps the best epoch; then the reload is offered.
    await page.getByTestId('stop-button').click();
    await expect(page.getByTestId('update-reload')).toBeEnabled({ timeout: 60_000 });
    await page.getByTestId('update-reload').click();
    await expect(page.getByTestId('app-version')).toContainText('e2e-build-b', { timeout: 60_000 });
    assert(!versionA.includes('e2e-build-b'), `build A said "${versionA}"`);
    await page.getByTestId('backend-name').waitFor();
    assert((await page.getByTestId('update-banner').count()) === 0, 'no update is offered after switching');
    assert((await datasetCount(page)) === 1, 'the dataset survived the update');
    assert((await runCount(page)) === 2, 'both runs survived the update (the stopped one kept its best epoch)');
  } finally {
    await server?.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
});
