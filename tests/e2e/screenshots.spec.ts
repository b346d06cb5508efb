// Screenshots of the three steps for the README (docs/step-*.png, 1280×900), taken from a real run
// on the sample (WASM); the phone shots (390×844) go to test-results/ for a look, not to docs/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from './fixtures';
import { openApp, tab, useSampleAndSave } from './steps';

test('screenshots of the three steps (docs/step-1-data.png, step-2-train.png, step-3-try.png)', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('screenshots');
  const page = await openApp(env, ctx, 'wasm');
  const shots: [string, Buffer][] = [];
  const shoot = async (name: string) => shots.push([name, await page.screenshot({ type: 'png' })]);
  for (const [w, h, dir] of [
    [1280, 900, 'docs'],
    [390, 844, 'test-results/phone'],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    if (dir === 'docs') {
      await tab(page, 'datasets');
      await page.getByTestId('use-sample').click();
      await page.getByTestId('valid-count').waitFor();
      await shoot(`${dir}/step-1-data.png`);
      await page.getByTestId('save-dataset').click();
      await page.getByTestId('dataset-saved-train').click();
      await shoot(`${dir}/step-2-train.png`);
      await page.getByTestId('train-button').click();
      await page.getByTestId('run-result').waitFor({ timeout: 180_000 });
      await page.getByTestId('playground-input').fill('Excellent quality, I love it.');
      await page.getByTestId('explanation').waitFor({ timeout: 60_000 }).catch(() => undefined);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await shoot(`${dir}/step-3-try.png`);
    } else {
      for (const step of ['datasets', 'train', 'try'] as const) {
        await tab(page, step);
        await page.evaluate(() => scrollTo(0, 0));
        await shoot(`${dir}/${step}.png`);
      }
    }
  }
  void useSampleAndSave;
  mkdirSync('docs', { recursive: true });
  mkdirSync('test-results/phone', { recursive: true });
  for (const [name, bytes] of shots) writeFileSync(name, bytes);
});
