// Fine-tuning the encoder end to end: (a) on WebGPU, tiny: the loss falls, numTensors stays flat,
// the model persists and its prediction differs from the head-only model's; switching runs
// restores the pristine encoder. (b) On WASM: reload mid-run, Resume, history continues.
import { assert, test, type Page } from './fixtures';
import { unzipSync } from 'fflate';
import { decodeSafetensors } from '../../src/core/formats/safetensors';
import { assertClose, exportAs, importBundle, openApp, predict, tab, uploadCsv, useSampleAndSave, trainSettings, fineTuneResult } from './steps';

const TINY = [
  'text,label',
  'great product love it,positive',
  'works perfectly very happy,positive',
  'excellent value and quality,positive',
  'wonderful fast delivery,positive',
  'best purchase this year,positive',
  'really good recommend it,positive',
  'broke after one day,negative',
  'terrible quality avoid,negative',
  'awful support never again,negative',
  'waste of money,negative',
  'stopped working quickly,negative',
  'very poor and disappointing,negative',
].join('\n');

const PROBE = 'Terrible quality, it broke after one day and support ignored me.';

async function fill(page: Page, values: Record<string, number>): Promise<void> {
  for (const [key, v] of Object.entries(values)) await page.getByTestId(key).fill(String(v));
}

async function selectRun(page: Page, nameMatch: RegExp): Promise<void> {
  await tab(page, 'playground');
  const select = page.getByTestId('playground-run');
  const options = await select.locator('option').evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, text: e.textContent ?? '' })));
  const option = options.find((o) => nameMatch.test(o.text));
  assert(option, `a run matching ${nameMatch} is listed: ${options.map((o) => o.text).join(' | ')}`);
  await select.selectOption(option.value);
}

async function finishedFineTune(page: Page, timeout: number): Promise<void> {
  await fineTuneResult(page, timeout);
}

async function numbers(page: Page, testId: string, attr: string): Promise<number[]> {
  const raw = (await page.getByTestId(testId).getAttribute(attr)) ?? '';
  return raw.split(',').filter((s) => s !== '').map(Number);
}

test('fine-tune on webgpu: loss falls, tensors flat, persists, prediction changes, pristine encoder restored', async ({ env }) => {
  test.setTimeout(600_000);
  const ctx = await env.newContext('finetune-webgpu');
  const page = await openApp(env, ctx, 'webgpu');
  await uploadCsv(page, 'tiny.csv', TINY);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor();

  // Head-only first, linear, so fine-tuning starts from its head.
  await trainSettings(page);
  await fill(page, { 'cfg-epochs': 10, 'cfg-batchSize': 4, 'cfg-hiddenUnits': 0, 'cfg-learningRate': 0.01 });
  // Keep the encoder model (it carries over to the fine-tune started from this run): the prediction
  // below is then the encoder's, before and after fine-tuning, whatever the n-grams score on 8 rows.
  await page.getByTestId('cfg-keepEncoder').check();
  await page.getByTestId('train-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 240_000 });
  const headOnly = await predict(page, PROBE);

  await trainSettings(page);
  const init = page.getByTestId('ft-head-init');
  assert((await init.getAttribute('data-kind')) === 'head-run', `the UI says the head starts from the linear head-only run: "${await init.textContent()}"`);
  await fill(page, {
    'ft-unfreezeLayers': 1, 'ft-epochs': 2, 'ft-batchSize': 4, 'ft-encoderLearningRate': 0.0001, 'ft-headLearningRate': 0.01,
    'ft-warmupFraction': 0, 'ft-patience': 0,
  });
  await page.getByTestId('ft-start').click();
  await finishedFineTune(page, 420_000);

  const losses = await numbers(page, 'ft-history', 'data-losses');
  assert(losses.length === 2 && losses[1]! < losses[0]!, `the training loss falls across epochs: ${losses}`);
  const tensors = await numbers(page, 'ft-num-tensors', 'data-values');
  assert(tensors.length === 2 && tensors.every((n) => n === tensors[0]), `numTensors is flat across epochs: ${tensors}`);
  const peak = Number(await page.getByTestId('ft-peak-memory').getAttribute('data-bytes'));
  assert(peak > 1e6, `peak memory is shown (${peak} bytes)`);
  const details = (await page.getByTestId('ft-details').textContent()) ?? '';
  assert(/started from the linear head of/.test(details), `the run says where its head came from: "${details}"`);

  const tuned = await predict(page, PROBE);
  const diff = Math.max(...Object.keys(tuned).map((k) => Math.abs(tuned[k]! - headOnly[k]!)));
  assert(diff > 1e-4, `fine-tuning changed the prediction: ${JSON.stringify(headOnly)} → ${JSON.stringify(tuned)}`);

  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await trainSettings(page);
  await page.getByTestId('run-item').nth(1).waitFor();
  assert((await page.getByTestId('run-item').count()) === 2, 'both runs survived the reload');
  await selectRun(page, /fine-tuned/);
  assertClose(await predict(page, PROBE), tuned, 1e-5, 'fine-tuned run after reload');
  await selectRun(page, /^(?!.*fine-tuned)/);
  assertClose(await predict(page, PROBE), headOnly, 1e-5, 'head-only run after the fine-tuned one (pristine encoder restored)');
});

test('fine-tune resume after reload (wasm): Stop ends a time estimate; continues from the checkpoint, history 1..N; exports carry the tuned layers', async ({ env }) => {
  test.setTimeout(420_000);
  const ctx = await env.newContext('finetune-resume');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await trainSettings(page);
  await fill(page, { 'ft-unfreezeLayers': 1, 'ft-epochs': 5, 'ft-batchSize': 4, 'ft-patience': 0 });
  assert((await page.getByTestId('ft-head-init').getAttribute('data-kind')) === 'fresh', 'without a head-only run the UI says the head starts fresh');

  // Stop ends a time estimate (its steps take seconds each): the form comes back, nothing is estimated.
  await page.getByTestId('ft-estimate-button').click();
  const stop = page.getByTestId('ft-stop');
  await stop.filter({ hasText: /^Stop timing$/ }).waitFor(); // while timing, Stop says what it stops
  assert(await stop.isEnabled(), 'Stop is enabled while timing');
  await stop.click();
  await page.getByTestId('ft-error').filter({ hasText: /time estimate was stopped; nothing was changed/ }).waitFor({ timeout: 60_000 });
  assert((await page.getByTestId('ft-estimate').count()) === 0, 'no estimate from a stopped timing');
  assert(await page.getByTestId('ft-estimate-button').isEnabled(), 'Estimate time is available again');

  await page.getByTestId('ft-estimate-button').click();
  const estimate = page.getByTestId('ft-estimate');
  await estimate.waitFor({ timeout: 120_000 });
  assert((await estimate.getAttribute('data-backend')) === 'wasm', `the estimate names the backend: "${await estimate.textContent()}"`);
  assert(Number(await estimate.getAttribute('data-seconds')) > 0, `the estimate is positive: "${await estimate.textContent()}"`);

  await page.getByTestId('ft-start').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="ft-checkpoint"]')?.getAttribute('data-epoch') ?? 0) >= 1, null, { timeout: 180_000 });
  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await trainSettings(page);
  const job = page.getByTestId('ft-job').first();
  await job.waitFor();
  const done = Number(await job.getAttribute('data-epochs-done'));
  assert(done >= 1 && done < 5, `the unfinished run shows its checkpointed epochs (${done})`);
  await job.getByTestId('ft-resume').click();
  await finishedFineTune(page, 240_000);

  const epochs = await numbers(page, 'ft-history', 'data-epochs');
  assert(epochs.join() === '1,2,3,4,5', `the history runs 1..5 across the reload: ${epochs}`);
  const details = (await page.getByTestId('ft-details').textContent()) ?? '';
  assert(/resumed 1×/.test(details), `the run says it was resumed: "${details}"`);
  const count = (await page.getByTestId('epoch-count').textContent()) ?? '';
  assert(/^5 epoch/.test(count), `the stored run has 5 epochs: "${count}"`);
  assert((await page.getByTestId('ft-job').count()) === 0, 'the finished run left no checkpoint behind');

  const tuned = await predict(page, PROBE);
  const bundle = await exportAs(page, 'bundle');
  assert('encoder/weights.safetensors' in unzipSync(new Uint8Array(bundle.bytes)), 'the bundle carries the fine-tuned encoder layers');
  const st = decodeSafetensors(new Uint8Array((await exportAs(page, 'safetensors')).bytes));
  const meta = JSON.parse(st.metadata.texttune ?? '{}') as { encoderTensors?: string[]; head?: string[] };
  const names = new Set(st.tensors.map((t) => t.name));
  assert((meta.encoderTensors?.length ?? 0) > 2 && meta.encoderTensors!.every((n) => names.has(n)), `the .safetensors has the encoder tensors: ${meta.encoderTensors}`);
  assert((meta.head?.length ?? 0) === 2 && meta.head!.every((n) => names.has(n)), `the .safetensors has the head tensors: ${meta.head}`);
  const fresh = await env.newContext('finetune-import');
  const page2 = await openApp(env, fresh, 'wasm');
  await importBundle(page2, bundle.name, bundle.bytes);
  await page2.getByTestId('import-ok').waitFor({ timeout: 120_000 });
  assertClose(await predict(page2, PROBE), tuned, 1e-5, 'fine-tuned bundle imported in a fresh profile');

  await page.reload();
  await page.getByTestId('backend-name').waitFor();
  await trainSettings(page);
  await page.getByTestId('run-item').first().waitFor();
  assert((await page.getByTestId('ft-job').count()) === 0, 'no unfinished run after a reload either');
  assertClose(await predict(page, PROBE), tuned, 1e-5, 'fine-tuned run after a reload');
});

test('fine-tune Stop (wasm): Stop timing during the timed steps, and Stop in epoch 1 of 3 ends the run after epoch 1', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('finetune-stop');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await trainSettings(page);
  // Every layer and a big batch: steps of about a second, so Stop lands between two of them.
  await fill(page, { 'ft-unfreezeLayers': 2, 'ft-epochs': 3, 'ft-batchSize': 32, 'ft-patience': 0 });
  await page.getByTestId('ft-estimate-button').click();
  await page.getByTestId('ft-progress').filter({ hasText: /Timing steps/ }).waitFor();
  await page.getByTestId('ft-stop').click();
  // Training steps never await real I/O on WASM: the engine takes a turn of its event loop between
  // steps (core/yield.ts), or this Stop was only seen once every step had run.
  await page.getByTestId('ft-error').filter({ hasText: /time estimate was stopped/ }).waitFor({ timeout: 60_000 });
  assert((await page.getByTestId('ft-estimate').count()) === 0, 'no estimate from a stopped timing');

  await fill(page, { 'ft-batchSize': 4 });
  await page.getByTestId('ft-start').click();
  await page.getByTestId('ft-progress').filter({ hasText: /Fine-tuning \(step [1-3]\// }).waitFor({ timeout: 120_000 });
  await page.getByTestId('ft-stop').click();
  await finishedFineTune(page, 120_000);
  const epochs = await numbers(page, 'ft-history', 'data-epochs');
  assert(epochs.join() === '1', `Stop in epoch 1 ends the run after epoch 1 (history: ${epochs})`);
});
