// The end-to-end suite (tests/e2e/*.spec.ts) on @playwright/test with Debian's Chromium
// (launchOptions.executablePath): no browser is ever downloaded. `npm run test:e2e` builds the app
// first; Playwright serves dist/ with `vite preview` (webServer) and runs the specs one at a time.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { defineConfig } from '@playwright/test';

/** Debian's chromium package; override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  // WebGPU in headless Chromium on Linux (SwiftShader when there is no GPU: correct but slow).
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--no-first-run',
  // No browser traffic of its own: the privacy checks must only see the app's requests.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

// A free port, not a fixed one: several checkouts may run the suite on one machine. The runner
// picks it; its workers (which load this file again) inherit it through the environment.
process.env.TEXTTUNE_E2E_PORT ||= String(await freePort());
const port = Number(process.env.TEXTTUNE_E2E_PORT);
const base = `http://127.0.0.1:${port}`;

if (!existsSync('dist/index.html')) {
  throw new Error('dist/ is missing: run `npm run build` first (`npm run test:e2e` does both)');
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Two cores, and SwiftShader WebGPU takes all of them: one test at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  /** Per-test default; slow tests (training on WebGPU) set their own with test.setTimeout. */
  timeout: 120_000,
  reporter: [['list']],
  use: {
    baseURL: base,
    headless: true,
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    // Kept only when a test fails: `npx playwright show-trace test-results/<test>/trace.zip`.
    // Actions, DOM snapshots, console and network, but no screencast: encoding the frames of pages
    // that repaint every epoch is costly on 2 cores (the wasm flow, loaded machine: ~26 s with
    // it, ~21 s without, ~19 s with no trace). The failure screenshot below is still taken.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: base,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
