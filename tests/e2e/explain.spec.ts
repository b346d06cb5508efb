// Results a person can trust: word highlighting on the sample model, honest numbers, the
// low-confidence hint. Real training and prediction (no mocks), on WASM.
import { assert, test } from './fixtures';
import { download, openApp, predict, train, useSampleAndSave, trainSettings } from './steps';

test('explain: on the sample model a clearly positive word is marked as pushing toward "positive"; numbers carry their validation size', async ({ env }) => {
  test.setTimeout(300_000);
  const ctx = await env.newContext('explain');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await train(page, { epochs: 8, batchSize: 8 });

  // The sample keeps 15% of 40 rows for validation: the headline says how few, with a warning.
  const size = page.getByTestId('validation-size');
  const sizeText = (await size.textContent()) ?? '';
  assert(/on \d+ validation rows/.test(sizeText) && (await size.getAttribute('data-few')) === 'true', `the validation size is next to the accuracy, flagged as few: "${sizeText}"`);
  const acc = (await page.getByTestId('metric-accuracy').textContent()) ?? '';
  assert(!/^100\.0%$|^0\.0%$/.test(acc), `accuracy never reads 100.0% or 0.0%: "${acc}"`);

  // "Excellent" and "love" open positive rows of the sample.
  const text = 'Excellent quality, I love it.';
  const probs = await predict(page, text);
  assert(probs.positive! > probs.negative!, `"${text}" reads as positive: ${JSON.stringify(probs)}`);
  for (const bar of await page.locator('[data-testid^="prob-"] .bar-text').allTextContents()) {
    assert(!/^(100\.0|0\.0)%$/.test(bar), `probabilities never read 100.0% or 0.0%: "${bar}"`);
  }
  // Explained by itself when the kept model is fast, else on demand: click if it has not come.
  const words = page.getByTestId('explain-word');
  if ((await page.getByTestId('explanation').count()) === 0) await page.getByTestId('explain-button').click();
  await page.getByTestId('explanation').waitFor({ timeout: 120_000 });
  assert((await words.count()) === 5, `every word is in the explained text (${await words.count()})`);
  const excellent = words.and(page.locator('[data-word="Excellent"]'));
  const direction = await excellent.getAttribute('data-direction');
  const contribution = Number(await excellent.getAttribute('data-contribution'));
  const title = (await excellent.getAttribute('title')) ?? '';
  assert(direction === 'toward' && contribution > 0, `"Excellent" pushes toward positive: ${direction}, ${contribution}`);
  assert(/^\+\d+(\.\d)? points toward positive$/.test(title), `its number is in its title: "${title}"`);
  assert(/\(\+.* toward positive\)/.test((await excellent.locator('.sr-only').textContent()) ?? ''), 'and in text for screen readers');
  const summary = (await page.getByTestId('explain-summary').textContent()) ?? '';
  if (process.env.E2E_VERBOSE) console.log(`explanation: ${summary}`);
  const status = (await page.getByTestId('playground-status').textContent()) ?? '';
  assert(/^Predicted positive \([^)]*%\)(, low confidence)?\. Word highlights ready\.$/.test(status), `the page-long status region announces it: "${status}"`);
  assert(/Pushed toward positive: .*“Excellent”/.test(summary), `the summary names it: "${summary}"`);
  // Not colour alone: a word toward the label is bold and underlined.
  const style = await excellent.evaluate((el) => ({ weight: getComputedStyle(el).fontWeight, line: getComputedStyle(el).textDecorationLine }));
  assert(Number(style.weight) >= 700 && /underline/.test(style.line), `toward-words are bold and underlined: ${JSON.stringify(style)}`);

  // Editing the text drops the old explanation (it was for another text).
  await page.getByTestId('playground-input').fill(`${text} Really`);
  await page.getByTestId('prediction').waitFor();
  const stale = await page.locator('[data-testid="explain-word"][data-word="Really"]').count();
  const shown = await page.getByTestId('explanation').count();
  assert(shown === 0 || stale === 1, 'a shown explanation is always for the text in the box');

  // A long text: the first 64 words are explained, the rest counted (and it stays within seconds).
  const long = Array.from({ length: 70 }, (_, i) => (i % 7 === 0 ? 'excellent' : `word${i}`)).join(' ');
  await predict(page, long);
  if ((await page.getByTestId('explanation').count()) === 0) await page.getByTestId('explain-button').click();
  await page.getByTestId('explanation').waitFor({ timeout: 120_000 });
  const longSummary = (await page.getByTestId('explain-summary').textContent()) ?? '';
  if (process.env.E2E_VERBOSE) console.log(`explanation (70 words): ${longSummary}`);
  assert(/Only the first 64 words are explained \(6 more not\)/.test(longSummary), `the cap is said: "${longSummary}"`);
  assert((await words.count()) === 64, `64 words are marked (${await words.count()})`);

  // Batch predict refuses a binary file in its own card, and says what it predicted otherwise.
  await page.getByTestId('batch-input').setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) });
  const batchError = (await page.getByTestId('batch-error').textContent()) ?? '';
  assert(/photo\.csv was not predicted: .*binary file/.test(batchError), `a binary file is refused: "${batchError}"`);
  // A one-line file has no data row under its "header": the message says so and how to fix it, without the training-split advice.
  await page.getByTestId('batch-input').setInputFiles({ name: 'one-line.csv', mimeType: 'text/csv', buffer: Buffer.from('just one text to try\n') });
  await page.getByTestId('batch-error').filter({ hasText: 'one-line.csv' }).waitFor();
  const oneLine = (await page.getByTestId('batch-error').textContent()) ?? '';
  assert(/no data rows to predict: its only row \("just one text to try"\) was read as a header.*add a header row/.test(oneLine), `the one row is explained: "${oneLine}"`);
  assert((await page.getByTestId('batch-error-advice').count()) === 0, 'no advice about training splits under a batch file error');
  // Excel's UTF-16 "Unicode Text" is predicted like any CSV (it was refused as binary: NUL bytes).
  await page.getByTestId('batch-input').setInputFiles({ name: 'unicode.txt', mimeType: 'text/plain', buffer: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('text\r\nLove it\r\nBroke after a day\r\n', 'utf16le')]) });
  await page.getByTestId('batch-preview-summary').filter({ hasText: /^2 rows, text column “text” in unicode\.txt/ }).waitFor();

  // A header-less CSV: the preview says its first row was read as a header; unticking gets the row back.
  await page.getByTestId('batch-input').setInputFiles({ name: 'no-header.csv', mimeType: 'text/csv', buffer: Buffer.from('Excellent lamp that works great,1\nBroke after a day,2\nLove it,3\n') });
  const summaryLine = page.getByTestId('batch-preview-summary').filter({ hasText: 'no-header.csv' });
  await summaryLine.waitFor();
  const first = (await summaryLine.textContent()) ?? '';
  const header = page.getByTestId('batch-has-header');
  if (await header.isChecked()) {
    assert(/^2 rows/.test(first), `read with a header: 2 rows ("${first}")`);
    await header.uncheck();
    await page.getByTestId('batch-preview-summary').filter({ hasText: /^3 rows/ }).waitFor();
  } else {
    assert(/^3 rows/.test(first), `read without a header: 3 rows ("${first}")`);
  }
  const preview = (await page.getByTestId('batch-preview-summary').textContent()) ?? '';
  assert(/^3 rows, text column “column 1”/.test(preview), `every row, the text column named: "${preview}"`);
  const out = await download(page, () => page.getByTestId('batch-predict').click());
  const lines = out.bytes.toString('utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
  assert(lines.length === 4 && lines[0]!.startsWith('column 1,column 2,predicted_label,') && lines[1]!.startsWith('Excellent lamp'), `every input row comes back: ${lines.join(' | ')}`);
  assert(/^3 rows predicted from the text column “column 1” of no-header\.csv/.test((await page.getByTestId('batch-summary').textContent()) ?? ''), 'the card says what was predicted');
  assert(!/no text/.test((await page.getByTestId('batch-summary').textContent()) ?? ''), 'no empty-text sentence when every row has text');
  // Rows with no text are kept and predicted, and the card says their predictions rest on nothing.
  await page.getByTestId('batch-input').setInputFiles({ name: 'blanks.csv', mimeType: 'text/csv', buffer: Buffer.from('text,id\nGreat lamp,1\n,2\n   ,3\n') });
  await page.getByTestId('batch-preview-summary').filter({ hasText: /^3 rows, text column “text” in blanks\.csv/ }).waitFor();
  const blanks = await download(page, () => page.getByTestId('batch-predict').click());
  assert(blanks.bytes.toString('utf8').trim().split(/\r?\n/).length === 4, 'every row of blanks.csv comes back');
  const blankSummary = (await page.getByTestId('batch-summary').filter({ hasText: 'blanks.csv' }).textContent()) ?? '';
  assert(/3 rows predicted .*blanks\.csv.*2 of them have no text: their predictions say nothing about them\./.test(blankSummary), `the card says which predictions rest on nothing: "${blankSummary}"`);

  // Settings are checked as typed, in the field's own name; a cleared field does not become 0.
  await trainSettings(page);
  const batchSize = page.getByTestId('cfg-batchSize');
  await batchSize.fill('');
  assert((await batchSize.getAttribute('aria-invalid')) === 'true', 'a cleared Batch size is marked invalid');
  assert((await batchSize.inputValue()) === '', 'and stays empty (not 0)');
  const msg = (await page.getByTestId('cfg-batchSize-error').textContent()) ?? '';
  assert(/^Batch size is empty: enter a number from 1 to 1024\.$/.test(msg), `the message names the field: "${msg}"`);
  assert(await page.getByTestId('train-button').isDisabled(), 'Train waits while a field is invalid');
  await page.getByTestId('cfg-valFraction').fill('0.9');
  assert(/^Validation fraction must be between 0\.05 and 0\.5, not 0\.9\.$/.test((await page.getByTestId('cfg-valFraction-error').textContent()) ?? ''), 'a value above the max is refused');
  assert(/Fix Validation fraction, Batch size first/.test((await page.getByTestId('train-invalid').textContent()) ?? ''), 'the button says what to fix');
  await batchSize.fill('16');
  await page.getByTestId('cfg-valFraction').fill('0.2');
  assert((await batchSize.getAttribute('aria-invalid')) === null && (await page.getByTestId('train-button').isEnabled()), 'fixed fields make Train available again');
});
