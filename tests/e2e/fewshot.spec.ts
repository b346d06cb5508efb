// Few-shot end to end: a 24-row dataset is trained (frozen encoder), then tuned contrastively
// (SetFit-style pairs) on WASM and, tiny, on WebGPU; the result is compared with the frozen model
// on the same validation rows, the kept run is the one the playground uses, and it persists.
import { assert, test, type Page } from './fixtures';
import { openApp, predict, tab, uploadCsv } from './steps';

const POS = ['great product love it', 'works perfectly very happy', 'excellent value and quality', 'wonderful fast delivery', 'best purchase this year', 'really good recommend it',
  'superb build and finish', 'delighted with it', 'five stars from me', 'lovely and reliable', 'exactly as described and great', 'fantastic and would buy again'];
const NEG = ['broke after one day', 'terrible quality avoid', 'awful support never again', 'waste of money', 'stopped working quickly', 'very poor and disappointing',
  'cheap and flimsy', 'arrived damaged', 'one star and useless', 'never buying again', 'nothing like the photos', 'returned it at once'];
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
  // Offered closed (an optional step under a first result): its settings show once opened.
  assert(!(await page.getByTestId('fs-pairIterations').isVisible()), 'the few-shot settings are closed until asked for');
  await page.getByTestId('fewshot-panel-toggle').click();
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
  // Step 3 shows the kept run (the one the playground uses): the contrastive run when it won.
  const runName = (await page.getByTestId('run-result').locator('h2').textContent()) ?? '';
  const contrastiveKept = /^kept: contrastive/.test(summary);
  assert(runName.includes('contrastive (few-shot)') === contrastiveKept, `the kept run is shown (${contrastiveKept ? 'contrastive' : 'frozen'}): "${runName}"`);
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
  const backend = (await page.getByTestId('summary-backend').textContent()) ?? '';
  assert(backend.includes('webgpu'), `the run trained on webgpu: "${backend}"`);
});

test('label the next examples on wasm: least-sure rows proposed, labelled by keyboard and click, re-trained, labels kept across a reload', async ({ env }) => {
  test.setTimeout(600_000);
  const UNLABELLED = ['good but a bit slow', 'not bad, not great', 'okay I suppose', 'fine for the price', 'meh', 'could be better, could be worse', 'quite nice really', 'rather poor overall'];
  const ctx = await env.newContext('label-next');
  const page = await openApp(env, ctx, 'wasm');
  await uploadCsv(page, 'few-unlabelled.csv', `${CSV}\n${UNLABELLED.map((t) => `"${t}",`).join('\n')}`);
  const unlabelledNote = (await page.getByTestId('unlabelled-count').textContent()) ?? '';
  assert(unlabelledNote.startsWith('8 row(s) have no label'), `the import keeps the 8 unlabelled rows: "${unlabelledNote}"`);
  const valid = (await page.getByTestId('valid-count').last().textContent()) ?? '';
  assert(valid.startsWith('24 valid row(s), 0 rejected'), `24 labelled rows: "${valid}"`);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 300_000 });
  const firstRun = (await page.getByTestId('run-result').locator('h2').textContent()) ?? '';
  const items = page.getByTestId('label-next-item');
  await items.first().waitFor({ timeout: 120_000 });
  assert((await items.count()) === 5, `5 rows are proposed: ${await items.count()}`);
  // Keyboard: a number picks the label, Enter stores it.
  const first = items.nth(0);
  const firstLine = Number(await first.getAttribute('data-line'));
  await first.focus();
  await page.keyboard.press('1');
  await page.keyboard.press('Enter');
  await first.getByTestId('label-next-done').waitFor();
  // Click: stores at once.
  const second = items.nth(1);
  const secondLine = Number(await second.getAttribute('data-line'));
  await second.getByTestId('label-next-pick-2').click();
  await second.getByTestId('label-next-done').waitFor();
  const labelled = [(await first.getByTestId('label-next-done').textContent())!, (await second.getByTestId('label-next-done').textContent())!];
  assert(labelled[0] === 'labelled: negative' && labelled[1] === 'labelled: positive', `the labels given: ${labelled}`);
  // The Train step (hidden now: labelling happens beside the result in step 3) lists the new count.
  await page.getByTestId('train-dataset').locator('option:checked').filter({ hasText: '26 rows' }).waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
  const option = (await page.getByTestId('train-dataset').locator('option:checked').textContent()) ?? '';
  assert(option.includes('26 rows'), `the dataset now has 26 labelled rows: "${option}"`);

  await page.getByTestId('label-next-retrain').click();
  await page.waitForFunction((before) => {
    const h = document.querySelector('[data-testid="run-result"] h2')?.textContent ?? '';
    return h !== before && !document.querySelector('[data-testid="train-progress"]');
  }, firstRun, { timeout: 300_000 });
  await page.getByTestId('label-next-round').nth(1).waitFor();
  assert((await page.getByTestId('label-next-round').count()) === 2, 'two rounds of validation macro-F1 are shown');

  // After a reload: the labels are stored, and the labelled rows are no longer proposed.
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await tab(page, 'train');
  const after = (await page.getByTestId('train-dataset').locator('option:checked').textContent()) ?? '';
  assert(after.includes('26 rows'), `the labels survive a reload: "${after}"`);
  await page.getByTestId('run-item').first().getByRole('button', { name: 'Show' }).click();
  await items.first().waitFor({ timeout: 120_000 });
  const lines = await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
  assert(lines.length === 5 && !lines.includes(firstLine) && !lines.includes(secondLine), `the labelled rows are not proposed again: ${lines} vs ${firstLine}, ${secondLine}`);
});

test('contrastive resume after reload (wasm): the job keeps its checkpointed step, Resume finishes it', async ({ env }) => {
  test.setTimeout(600_000);
  const ctx = await env.newContext('fewshot-resume');
  const page = await openApp(env, ctx, 'wasm');
  await uploadCsv(page, 'few-resume.csv', CSV);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();
  await tab(page, 'train');
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 300_000 });
  await page.getByTestId('fewshot-panel-toggle').click();
  await page.getByTestId('fs-pairIterations').fill('20');
  await page.getByTestId('fs-maxPairs').fill('600');
  await page.getByTestId('fs-batchSize').fill('2');
  await page.getByTestId('fewshot-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="fewshot-checkpoint"]')?.getAttribute('data-step') ?? 0) >= 10, null, { timeout: 180_000 });
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await tab(page, 'train');
  const job = page.getByTestId('ft-job');
  await job.waitFor();
  const text = (await job.textContent()) ?? '';
  const m = /contrastive \(few-shot\), step (\d+) of 300 checkpointed/.exec(text);
  assert(m && Number(m[1]) >= 10 && Number(m[1]) < 300, `the unfinished contrastive run shows its checkpointed step: "${text}"`);
  await job.getByTestId('ft-resume').click();
  // The finished run opens in step 3; its fine-tuning details sit in the collapsed details there.
  await page.getByTestId('ft-details').waitFor({ state: 'attached', timeout: 300_000 });
  const details = (await page.getByTestId('ft-details').textContent()) ?? '';
  assert(/contrastively on 600 pairs \(300 steps/.test(details) && details.includes('resumed 1× from a checkpoint'), `the finished run says what ran and that it resumed: "${details}"`);
  assert((await page.getByTestId('ft-job').count()) === 0, 'the finished run left no checkpoint behind');
});
