// Few-shot end to end: a 24-row dataset is trained (frozen encoder), then tuned contrastively
// (SetFit-style pairs) on WASM and, tiny, on WebGPU; the result is compared with the frozen model
// on the same validation rows, the kept run is the one the playground uses, and it persists.
import { assert, test, type Page } from './fixtures';
import { openApp, predict, tab, uploadCsv } from './steps';

const POS = ['great product love it', 'works perfectly very happy', 'excellent value and quality', 'wonderful fast delivery', 'best purchase this year', 'really good recommend it',
  'superb build and finish', 'delighted with it', 'five stars from me', 'lovely and reliable', 'exactly as described, great', 'fantastic, would buy again'];
const NEG = ['broke after one day', 'terrible quality avoid', 'awful support never again', 'waste of money', 'stopped working quickly', 'very poor and disappointing',
  'cheap and flimsy', 'arrived damaged', 'one star, useless', 'never buying again', 'nothing like the photos', 'returned it at once'];
const CSV = ['text,label', ...POS.map((t) => `${t},positive`), ...NEG.map((t) => `${t},negative`)].join('\n');

async function trainThenTune(page: Page, knobs: { pairs: number; batch: number }, timeout: number): Promise<{ summary: string; runName: string }> {
  await uploadCsv(page, 'few.csv', CSV);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout });
  const panel = page.getByTestId('fewshot-panel');
  await panel.waitFor();
  await page.getByTestId('fs-pairIterations').fill('1');
  await page.getByTestId('fs-maxPairs').fill(String(knobs.pairs));
  await page.getByTestId('fs-batchSize').fill(String(knobs.batch));
  await page.getByTestId('fewshot-estimate-button').click();
  const estimate = (await page.getByTestId('fewshot-estimate').textContent({ timeout })) ?? '';
  const steps = knobs.pairs / knobs.batch;
  assert(new RegExp(`About .+ on \\w+: ${steps} steps of ${knobs.batch} pairs`).test(estimate), `the offer shows its measured time: "${estimate}"`);
  await page.getByTestId('fewshot-start').click();
  await page.getByTestId('fewshot-result').waitFor({ timeout });
  const contrastive = (await page.getByTestId('fewshot-contrastive').textContent()) ?? '';
  assert(contrastive.includes(`${knobs.pairs} pairs, ${steps} steps`), `the contrastive row says what ran: "${contrastive}"`);
  assert((await page.getByTestId('fewshot-frozen').count()) === 1, 'the frozen model is shown on the same validation rows');
  const summary = (await page.getByTestId('fewshot-summary').textContent()) ?? '';
  assert(/^kept: (contrastive|the frozen encoder's model)/.test(summary), `one of them is kept, by the validation rule: "${summary}"`);
  const runName = (await page.getByTestId('run-result').locator('h2').textContent()) ?? '';
  assert(runName.includes('contrastive (few-shot)'), `the contrastive run is shown: "${runName}"`);
  return { summary, runName };
}

test('few-shot on wasm: 24 rows, contrastive tuning, compared with the frozen model, persists across a reload', async ({ env }) => {
  test.setTimeout(600_000);
  const ctx = await env.newContext('fewshot-wasm');
  const page = await openApp(env, ctx, 'wasm');
  const { summary } = await trainThenTune(page, { pairs: 16, batch: 4 }, 300_000);
  // The kept run predicts in the playground.
  const probs = await predict(page, 'awful, it broke at once');
  assert(Object.keys(probs).length === 2, `the kept model predicts both labels: ${JSON.stringify(probs)}`);
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await tab(page, 'train');
  const runs = (await page.getByTestId('run-list').textContent()) ?? '';
  assert(runs.includes('contrastive (few-shot)'), `the contrastive run is stored: ${runs.slice(0, 400)}`);
  assert(summary.length > 0, 'summary');
});

test('few-shot on webgpu (tiny): two contrastive steps run and are compared', async ({ env }) => {
  test.setTimeout(600_000);
  const ctx = await env.newContext('fewshot-webgpu');
  const page = await openApp(env, ctx, 'webgpu');
  await trainThenTune(page, { pairs: 4, batch: 2 }, 540_000);
  const backend = (await page.getByTestId('run-result').locator('h2').textContent()) ?? '';
  assert(backend.includes('webgpu'), `the run trained on webgpu: "${backend}"`);
});
