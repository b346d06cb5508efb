// What a first-time user meets off the happy path: a reload in the middle of a Train.
import { assert, test } from './fixtures';
import { openApp, predict, tab, uploadCsv, useSampleAndSave } from './steps';

test('a reload mid-Train says the run did not finish and nothing was saved; Train again clears it', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('reload-mid-train');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('stop-button').waitFor();
  // The default model has no epochs: its Stop keeps nothing, and says so.
  const stop = (await page.getByTestId('stop-button').textContent()) ?? '';
  assert(/nothing is saved/.test(stop), `Stop says what it keeps: "${stop}"`);
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await tab(page, 'train');
  const note = page.getByTestId('train-interrupted');
  await note.waitFor();
  const text = (await note.textContent()) ?? '';
  assert(/did not finish/.test(text) && /nothing of it was\s+saved/.test(text) && text.includes('“product-reviews”'), `the page says what happened to the run: "${text}"`);
  assert((await page.getByTestId('run-item').count()) === 0, 'no half-finished run is listed');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 120_000 });
  await tab(page, 'train');
  assert((await note.count()) === 0, 'the note is gone once a Train has run');
  // A finished run leaves nothing behind: another reload shows no note.
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await tab(page, 'train');
  await page.getByTestId('run-item').first().waitFor();
  assert((await note.count()) === 0, 'no note after a reload that interrupted nothing');
});

test('renaming a dataset: a blank name cannot be saved, a very long one is capped and the page never scrolls sideways', async ({ env }) => {
  const ctx = await env.newContext('rename');
  const page = await openApp(env, ctx, 'cpu');
  await useSampleAndSave(page);
  // From the keyboard: Rename puts the caret in the name field (typing used to go nowhere), Escape
  // cancels, and focus comes back to Rename instead of being lost to the page.
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
  await page.getByTestId('dataset-rename').focus();
  await page.keyboard.press('Enter');
  assert((await focused()) === 'rename-input', `Rename focuses the name field (focus: ${await focused()})`);
  await page.keyboard.press('Escape');
  await page.getByTestId('rename-input').waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'dataset-rename');
  await page.getByTestId('dataset-rename').click();
  const input = page.getByTestId('rename-input');
  await input.fill('   ');
  assert(await page.getByTestId('rename-save').isDisabled(), 'Save is off while the name is blank');
  await input.fill('x'.repeat(3000));
  const typed = await input.inputValue();
  assert(typed.length === 200, `the field takes at most 200 characters, holds ${typed.length}`);
  await page.getByTestId('rename-save').click();
  await page.locator(`[data-testid="dataset-item"][data-name="${typed}"]`).waitFor();
  for (const step of ['datasets', 'train'] as const) {
    await tab(page, step);
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert(scroll <= client, `step ${step}: the page is ${scroll}px wide in a ${client}px window`);
  }
  // The "Saved …, Next: train on it" line follows the dataset: renamed with it, gone with it.
  await tab(page, 'datasets');
  const saved = (await page.getByTestId('dataset-saved').textContent()) ?? '';
  assert(saved.includes(`“${typed}”`), `the saved line names the dataset as renamed: "${saved.slice(0, 80)}"`);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('dataset-delete').click();
  await page.getByTestId('no-datasets').waitFor();
  assert((await page.getByTestId('dataset-saved').count()) === 0, 'no offer to train on a deleted dataset');
  await page.waitForFunction(() => document.activeElement?.textContent === 'Your datasets');
});

test('deleting the dataset a run was trained on: the run stays usable, Train and Improve are not offered on rows that are gone', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('delete-used');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 120_000 });
  await tab(page, 'datasets');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('dataset-delete').click();
  await page.getByTestId('no-datasets').waitFor();
  // Step 3 still predicts with the run; its Improve leads to a Train step that offers nothing to start.
  const p = await predict(page, 'Great value, works perfectly.');
  assert(Object.keys(p).length === 2, `the run still predicts: ${JSON.stringify(p)}`);
  await page.getByTestId('result-improve').click();
  await page.getByTestId('ft-start').waitFor();
  await page.waitForTimeout(1500);
  const main = (await page.locator('main').textContent()) ?? '';
  assert(!/no dataset with id/.test(main), `no error about a missing dataset id: "${/no dataset with id[^.]*/.exec(main)?.[0]}"`);
  assert(await page.getByTestId('train-button').isDisabled(), 'Train is off: there is no dataset');
  assert(await page.getByTestId('ft-start').isDisabled(), 'fine-tuning is off: its rows are gone');
  assert(/No dataset yet/.test(main), 'the step says there is no dataset and where to add one');
});

test('right-to-left texts (Arabic) read right to left in the import preview and the rejected rows', async ({ env }) => {
  const ctx = await env.newContext('rtl');
  const page = await openApp(env, ctx, 'cpu');
  const csv = 'text,label\nهذا المنتج رائع جدا,pos\nأحببته كثيرا,pos\nسيء جدا ولا يعمل,neg\nأريد استرجاع أموالي,neg\nأريد استرجاع أموالي,neg\n';
  await uploadCsv(page, 'arabic.csv', csv);
  const cell = page.getByTestId('import-preview').locator('td', { hasText: 'رائع' });
  assert(await cell.evaluate((el) => el.matches(':dir(rtl)')), 'an Arabic text cell of the preview is right to left');
  const raw = page.getByTestId('rejected-row').locator('td', { hasText: 'أموالي' });
  assert(await raw.evaluate((el) => el.matches(':dir(rtl)')), 'the rejected duplicate row is shown right to left');
  const label = page.getByTestId('import-preview').locator('td', { hasText: /^pos$/ }).first();
  assert(await label.evaluate((el) => el.matches(':dir(ltr)')), 'a Latin label stays left to right');
});

test('Improve on a result opens fine-tuning on that result’s dataset, not on the one chosen in Train since', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('improve-dataset');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 120_000 });
  const other = ['text,label', ...Array.from({ length: 12 }, (_, i) => `${i % 2 ? 'sunny warm day' : 'cold rainy night'} number ${i},${i % 2 ? 'warm' : 'cold'}`)].join('\n');
  await uploadCsv(page, 'weather.csv', other);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();
  await tab(page, 'train');
  const select = page.getByTestId('train-dataset');
  await select.selectOption({ label: 'weather (12 rows, 2 labels)' });
  await tab(page, 'try');
  await page.getByTestId('result-improve').click();
  await page.getByTestId('ft-start').waitFor();
  const chosen = await select.locator('option:checked').textContent();
  assert(/^product-reviews/.test(chosen ?? ''), `fine-tuning is set up on the result's dataset: "${chosen}"`);
  const init = (await page.getByTestId('ft-head-init').textContent()) ?? '';
  assert(/starts from the head of/.test(init), `the head carries over from the result's run: "${init}"`);
});
