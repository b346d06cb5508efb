// The guided flow (issue 14): Data → Train → Try & export for a first-time user at 1280×900, on a
// phone at 390×844, with the keyboard alone, and through an accessibility scan of every step.
// Real training and prediction on WASM, no settings touched unless a test says so.
import AxeBuilder from '@axe-core/playwright';
import { assert, test, type Page } from './fixtures';
import { expand, openApp, tab, useSampleAndSave } from './steps';

const POSITIVE = 'Excellent quality, I love it.';

/** The element's box lies inside the viewport as it is now (nothing scrolled to reach it). */
async function inFirstScreen(page: Page, testId: string): Promise<{ top: number; bottom: number; inView: boolean }> {
  const box = await page.getByTestId(testId).boundingBox();
  const vh = page.viewportSize()!.height;
  assert(box, `${testId} is rendered`);
  return { top: box.y, bottom: box.y + box.height, inView: box.y >= 0 && box.y + box.height <= vh };
}

test('first-time user at 1280×900: Use sample → Save → Train → result summary in view → a prediction, in 5 clicks, no settings touched', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('guided-desktop');
  const page = await openApp(env, ctx, 'wasm');
  await page.setViewportSize({ width: 1280, height: 900 });
  let clicks = 0;
  const click = async (testId: string) => {
    clicks++;
    await page.getByTestId(testId).click();
  };

  await click('use-sample');
  await page.getByTestId('valid-count').waitFor();
  await click('save-dataset');
  await page.getByTestId('dataset-saved').waitFor();
  await click('dataset-saved-train');
  // Step 2 opens with the dataset chosen and the one Train button in the first screen.
  const trainBox = await inFirstScreen(page, 'train-button');
  assert(trainBox.inView, `the Train button is in the first screen of the Train step (y ${trainBox.top}–${trainBox.bottom})`);
  assert((await page.getByTestId('train-advanced-toggle').getAttribute('aria-expanded')) === 'false', 'the settings start collapsed under Advanced');
  assert(await page.evaluate(() => document.activeElement?.id === 'train-heading'), 'focus moved to the Train step');

  await click('train-button');
  await page.getByTestId('run-result').waitFor({ timeout: 180_000 });
  // Landed on step 3: the summary and the playground box are both on screen without scrolling.
  assert(await page.evaluate(() => location.hash === '#try'), 'the result opens step 3');
  assert((await page.evaluate(() => scrollY)) === 0, 'nothing scrolled');
  for (const id of ['run-result', 'playground-input']) {
    const b = await inFirstScreen(page, id);
    assert(b.inView, `${id} is in the first screen (y ${b.top}–${b.bottom})`);
  }
  await page.waitForFunction(() => document.activeElement?.id === 'result-heading');
  const rows = Number(await page.getByTestId('summary-rows').getAttribute('data-rows'));
  const rowsText = (await page.getByTestId('summary-rows').textContent()) ?? '';
  assert(rows > 0 && rowsText.includes(`${rows} examples`), `the summary says how many held-out examples the numbers rest on: "${rowsText}"`);
  const kept = (await page.getByTestId('summary-kept').textContent()) ?? '';
  assert(!/hybrid|blend|\bC\b|n-gram|TF-IDF/.test(kept), `the kept model is said in plain words: "${kept}"`);
  await page.getByTestId('app-status').filter({ hasText: 'Training finished' }).waitFor();

  await click('playground-input');
  await page.keyboard.type(POSITIVE);
  await page.getByTestId('prediction').waitFor({ timeout: 60_000 });
  assert((await page.getByTestId('predicted-label').textContent()) === 'positive', `"${POSITIVE}" is predicted positive`);
  assert(clicks <= 5, `the flow took ${clicks} clicks`);

  // The last result and the selected run survive a reload.
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await page.getByTestId('run-result').waitFor();
  const runId = await page.evaluate(() => localStorage.getItem('texttune.runId'));
  assert(runId && (await page.getByTestId('playground-run').inputValue()) === runId, 'the selected run is the same after the reload');
});
