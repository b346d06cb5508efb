// Browser settings of the end-to-end suite (tests/e2e). The suite runs on playwright-core with
// Debian's Chromium and a small runner of its own (tests/e2e/harness.ts): no browser download.
export const e2eConfig = {
  /** Debian's chromium package; override with CHROMIUM_PATH. */
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    // WebGPU in headless Chromium on Linux (SwiftShader when there is no GPU: correct but slow).
    '--enable-unsafe-webgpu',
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--no-first-run',
    // No browser traffic of its own: the privacy test must only see the app's requests.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  headless: true,
  viewport: { width: 1200, height: 900 },
  /** Per-test default; slow tests (training on WebGPU) set their own. */
  testTimeoutMs: 120_000,
} as const;

export default e2eConfig;
