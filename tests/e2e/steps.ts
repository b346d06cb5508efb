// User-level steps shared by the e2e tests. Selectors are the app's data-testid attributes.
import { readFileSync } from 'node:fs';
import { assert, type BrowserContext, type Download, type Page } from './fixtures';

export const LONG = 300_000;

export async function openApp(env: { base: string }, ctx: BrowserContext, backend: string | null): Promise<Page> {
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(`${env.base}/${backend ? `?backend=${backend}` : ''}`);
  await page.getByTestId('backend-name').waitFor();
  return page;
}

export async function backendOf(page: Page): Promise<{ name: string; adapter: string | null; fellBack: boolean }> {
  const name = (await page.getByTestId('backend-name').textContent())!.trim();
  const adapterEl = page.getByTestId('backend-adapter');
  const adapter = (await adapterEl.count()) > 0 ? (await adapterEl.textContent())!.trim() : null;
  const fellBack = (await page.getByTestId('backend-fallback').count()) > 0;
  return { name, adapter, fellBack };
}

/** Opens a step. The playground and export live in step 3 (Try & export). */
export async function tab(page: Page, id: 'datasets' | 'train' | 'playground' | 'export' | 'try'): Promise<void> {
  await page.getByTestId(`tab-${id === 'playground' || id === 'export' ? 'try' : id}`).click();
}

/** Opens a collapsed section (Advanced, Improve, Details) by its toggle; an open one stays open. */
export async function expand(page: Page, testId: 'train-advanced' | 'finetune-panel' | 'result-details-panel'): Promise<void> {
  const toggle = page.getByTestId(`${testId}-toggle`);
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** The Train step with every setting shown: the encoder, performance and head settings (Advanced) and fine-tuning (Improve). */
export async function trainSettings(page: Page): Promise<void> {
  await tab(page, 'train');
  await expand(page, 'train-advanced');
  await expand(page, 'finetune-panel');
}

/** Waits for a fine-tuned run's result (step 3) and opens its details. */
export async function fineTuneResult(page: Page, timeout: number): Promise<void> {
  await page.getByTestId('ft-details').waitFor({ state: 'attached', timeout });
  await expand(page, 'result-details-panel');
  await page.getByTestId('ft-details').waitFor();
}

export async function uploadCsv(page: Page, name: string, content: string | Buffer): Promise<void> {
  await tab(page, 'datasets');
  await page.getByTestId('upload-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') });
  // The review of *this* file, with its validation report (the previous file's may still be on screen).
  const review = page.getByTestId('import-review').filter({ has: page.locator('h3', { hasText: name }) });
  await review.getByTestId('valid-count').waitFor();
}

export async function useSampleAndSave(page: Page): Promise<void> {
  await tab(page, 'datasets');
  await page.getByTestId('use-sample').click();
  await page.getByTestId('valid-count').waitFor();
  const valid = await page.getByTestId('valid-count').textContent();
  assert(valid?.includes('40 valid row(s)'), `the sample has 40 valid rows, the page says "${valid}"`);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();
}

export async function train(page: Page, cfg: { epochs: number; batchSize: number }): Promise<void> {
  await trainSettings(page);
  await page.getByTestId('cfg-epochs').fill(String(cfg.epochs));
  await page.getByTestId('cfg-batchSize').fill(String(cfg.batchSize));
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: LONG });
}

export async function predict(page: Page, text: string): Promise<Record<string, number>> {
  await tab(page, 'playground');
  const input = page.getByTestId('playground-input');
  await input.fill('');
  await page.getByTestId('prediction').waitFor({ state: 'detached' });
  await input.fill(text);
  await page.getByTestId('prediction').waitFor({ timeout: LONG });
  const bars = page.locator('[data-testid^="prob-"]');
  const out: Record<string, number> = {};
  for (const bar of await bars.all()) {
    const id = (await bar.getAttribute('data-testid'))!.slice('prob-'.length);
    out[id] = Number(await bar.getAttribute('data-value'));
  }
  return out;
}

export async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: LONG }), click()]) as [Download, void];
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/** Batch predict: choose the file, check the preview (rows, text column), then predict and download. */
export async function batchPredict(page: Page, name: string, buffer: Buffer): Promise<{ name: string; bytes: Buffer; preview: string; headerToggle: boolean }> {
  await tab(page, 'playground');
  await page.getByTestId('batch-input').setInputFiles({ name, mimeType: 'text/csv', buffer });
  const preview = page.getByTestId('batch-preview-summary').filter({ hasText: name });
  await preview.waitFor();
  const text = (await preview.textContent()) ?? '';
  const headerToggle = (await page.getByTestId('batch-has-header').count()) > 0;
  const out = await download(page, () => page.getByTestId('batch-predict').click());
  return { ...out, preview: text, headerToggle };
}

export async function exportAs(page: Page, format: 'bundle' | 'tfjs-zip' | 'safetensors'): Promise<{ name: string; bytes: Buffer }> {
  await tab(page, 'export');
  return download(page, () => page.getByTestId(`export-${format}`).click());
}

export async function importBundle(page: Page, name: string, bytes: Buffer): Promise<void> {
  await tab(page, 'export');
  await page.getByTestId('import-bundle-input').setInputFiles({ name, mimeType: 'application/zip', buffer: bytes });
}

export function assertClose(a: Record<string, number>, b: Record<string, number>, tol: number, what: string): void {
  const keys = Object.keys(a).sort();
  assert(keys.join() === Object.keys(b).sort().join(), `${what}: labels differ: ${keys} vs ${Object.keys(b)}`);
  for (const k of keys) {
    assert(Math.abs(a[k]! - b[k]!) <= tol, `${what}: p(${k}) ${a[k]} vs ${b[k]} differ by more than ${tol}`);
  }
}
