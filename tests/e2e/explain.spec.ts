// Results a person can trust: word highlighting on the sample model, honest numbers, the
// low-confidence hint. Real training and prediction (no mocks), on WASM.
import { assert, test } from './fixtures';
import { openApp, predict, tab, train, useSampleAndSave } from './steps';

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

  await tab(page, 'train');
});
