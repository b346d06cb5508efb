// Hub encoders end to end, on WASM, with the seeded tiny BERT of scripts/gen-tiny-bert.mjs served
// by a local stand-in for the Hugging Face Hub (tests/support/hub-server.ts). The preview server
// forwards /__e2e-hub to it (vite.config.ts), so the page reaches it on its own origin and the
// production CSP is untouched. (a) Pick owner/tiny-bert in the free field, download with visible
// progress (the weights' connection is dropped once: resumed with Range), train a linear head,
// predict, export the Hugging Face zip, fine-tune K=1 and export that too, then stop the Hub and
// reload: everything loads from IndexedDB and predicts the same. (b) A new browser context imports
// both zips and predicts identical probabilities, also after a reload.
// The Hub and a preview server that forwards to it: the `hubApp` fixture of hub-fixture.ts.
import { strFromU8, unzipSync } from 'fflate';
import { assert, type Page } from './fixtures';
import { E2E_HUB_PATH, REPO, test } from './hub-fixture';
import { assertClose, download, predict, tab, useSampleAndSave, trainSettings, fineTuneResult } from './steps';

const ENCODER_ID = `hf:${REPO}@main`;
const PROBE = 'the movie was great, I loved it';


const HF_MEMBERS = ['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'train.csv', 'train.py', 'vocab.txt'];

function checkHfZip(bytes: Buffer, what: string): void {
  const files = unzipSync(new Uint8Array(bytes));
  const members = Object.keys(files).sort();
  assert(members.join() === HF_MEMBERS.join(), `${what}: zip members ${members.join(', ')}`);
  const config = JSON.parse(strFromU8(files['config.json']!)) as { architectures: string[]; id2label: Record<string, string>; texttune: { encoder_id: string } };
  assert(config.architectures[0] === 'BertForSequenceClassification', `${what}: architectures ${config.architectures}`);
  assert(Object.values(config.id2label).sort().join() === 'negative,positive', `${what}: id2label ${JSON.stringify(config.id2label)}`);
  const csv = strFromU8(files['train.csv']!).trim().split(/\r\n/);
  assert(csv[0] === 'text,label' && csv.length === 41, `${what}: train.csv has a header and the 40 sample rows (${csv.length} lines)`);
}

async function selectRun(page: Page, match: RegExp): Promise<void> {
  await tab(page, 'playground');
  const select = page.getByTestId('playground-run');
  // The list arrives from the engine after the tab opens: wait for a matching entry, not just any.
  await select.locator('option').filter({ hasText: match }).first().waitFor({ state: 'attached' });
  const options = await select.locator('option').evaluateAll((els) => els.map((e) => ({ value: (e as HTMLOptionElement).value, text: e.textContent ?? '' })));
  const option = options.find((o) => match.test(o.text));
  assert(option, `a run matching ${match} is listed: ${options.map((o) => o.text).join(' | ')}`);
  await select.selectOption(option.value);
}

async function openWasm(page: Page, base: string, hubParam: boolean): Promise<void> {
  page.setDefaultTimeout(60_000);
  // ?bench exposes the engine client on window (for the parallel-embedding check below).
  await page.goto(`${base}/?backend=wasm&bench${hubParam ? `&hub=${E2E_HUB_PATH}` : ''}`);
  await page.getByTestId('backend-name').waitFor();
}

// The import test loads the zips that the first test exports: one group, in order.
test.describe.serial('hub encoders', () => {
  let exported: { headOnly: Record<string, number>; tuned: Record<string, number>; headZip: Buffer; tunedZip: Buffer } | undefined;

  test('hub: free field → download with progress and resume → train → predict → HF export → fine-tune → offline reload', async ({ env, hubApp }) => {
    test.setTimeout(300_000);
    const { hub } = hubApp;
    const ctx = await env.newContext('hub');
    const page = await ctx.newPage();
    await openWasm(page, hubApp.base, true);
    await trainSettings(page);
    assert(((await page.getByTestId('encoder-license').textContent()) ?? '').length > 0, 'the preset shows its license before downloading');

    // Validation and Hub errors are shown in words.
    const field = page.getByTestId('hub-model-input');
    await field.fill('just-a-name');
    await field.blur();
    const invalid = (await page.getByTestId('hub-model-error').textContent()) ?? '';
    assert(/owner\/name/.test(invalid) && (await page.getByTestId('hub-model-use').isDisabled()), `invalid ids are refused: "${invalid}"`);
    await field.fill('owner/pytorch-only');
    await page.getByTestId('hub-model-use').click();
    await page.getByTestId('encoder-load').click();
    const noWeights = (await page.getByTestId('encoder-error').textContent()) ?? '';
    assert(/no model\.safetensors/.test(noWeights) && /pytorch_model\.bin/.test(noWeights), `no safetensors: the repo's files are listed: "${noWeights}"`);
    await field.fill('owner/missing');
    await page.getByTestId('hub-model-use').click();
    await page.getByTestId('encoder-load').click();
    await page.getByTestId('encoder-error').filter({ hasText: '404' }).waitFor();

    // The real one: its weights' connection drops once after 40 kB (resumed with Range).
    await field.fill(REPO);
    await page.getByTestId('hub-model-use').click();
    assert((await page.getByTestId('encoder-select').inputValue()) === ENCODER_ID, 'the typed model is selected');
    hub.dropAfter.set('model.safetensors', 40_000);
    const progressSeen = page.getByTestId('download-bytes').waitFor({ timeout: 30_000 }).then(() => page.getByTestId('download-bytes').textContent());
    await page.getByTestId('encoder-load').click();
    const bytesText = (await progressSeen) ?? '';
    assert(/ of /.test(bytesText), `download progress shows bytes: "${bytesText}"`);
    await page.getByTestId('encoder-status').filter({ hasText: 'Loaded: 32-d, 2 layers' }).waitFor().catch(async (err: Error) => {
      throw new Error(`the download did not finish: ${await page.getByRole('region', { name: 'Encoder', exact: true }).textContent()} (${err.message})`);
    });
    assert(hub.log.some((r) => r.url.endsWith('/model.safetensors') && r.range && r.status === 206), `the dropped download resumed with Range: ${JSON.stringify(hub.log.filter((r) => r.url.endsWith('.safetensors')))}`);

    // Bulk embedding of a Hub encoder goes to the parallel workers too: each builds the BERT from the
    // files stored in IndexedDB, and their vectors are the engine's.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const pooled = await page.evaluate(async (id) => {
      const engine = (window as unknown as { texttuneEngine: { call(m: string, a: unknown): Promise<{ workers: number; poolMaxAbsDiff: number | null }> } }).texttuneEngine;
      return engine.call('perf.embed', { encoderId: id, texts: Array.from({ length: 80 }, (_, i) => `the product number ${i} works ${'very '.repeat(i % 4)}well`) });
    }, ENCODER_ID);
    if (cores >= 2) {
      assert(pooled.workers === Math.min(cores, 4) && pooled.poolMaxAbsDiff !== null && pooled.poolMaxAbsDiff < 1e-4, `a Hub encoder embeds on the workers with the engine's vectors: ${JSON.stringify(pooled)}`);
    }

    // A linear head on the tiny BERT's embeddings.
    await useSampleAndSave(page);
    await trainSettings(page);
    for (const [k, v] of Object.entries({ 'cfg-epochs': 15, 'cfg-batchSize': 8, 'cfg-hiddenUnits': 0, 'cfg-learningRate': 0.01 })) await page.getByTestId(k).fill(String(v));
    // The Hugging Face export carries the encoder model: keep it, so the import can be compared with this run.
    await page.getByTestId('cfg-keepEncoder').check();
    await page.getByTestId('train-button').click();
    await page.getByTestId('run-result').waitFor({ timeout: 120_000 });
    const headOnly = await predict(page, PROBE);

    await tab(page, 'export');
    const headZip = await download(page, () => page.getByTestId('export-hf').click());
    assert(headZip.name.endsWith('-hf.zip'), `file name ${headZip.name}`);
    checkHfZip(headZip.bytes, 'head-only export');

    // Fine-tune the top layer (helper UI from the fine-tuning feature), then export that run too.
    await trainSettings(page);
    // The head-only run is the default start; picking a fresh head sticks (it used to snap back).
    const init = page.getByTestId('ft-head-init');
    assert((await init.getAttribute('data-kind')) === 'head-run', `the fine-tune starts from the linear head-only run: "${await init.textContent()}"`);
    await page.getByTestId('ft-head-run').selectOption('');
    await page.waitForTimeout(200);
    assert((await init.getAttribute('data-kind')) === 'fresh', `a chosen fresh head stays chosen: "${await init.textContent()}"`);
    await page.getByTestId('ft-head-run').selectOption({ index: 1 });
    assert((await init.getAttribute('data-kind')) === 'head-run', `the head-only run can be picked again: "${await init.textContent()}"`);
    for (const [k, v] of Object.entries({ 'ft-unfreezeLayers': 1, 'ft-epochs': 2, 'ft-batchSize': 8, 'ft-patience': 0, 'ft-encoderLearningRate': 0.001, 'ft-headLearningRate': 0.01 })) await page.getByTestId(k).fill(String(v));
    await page.getByTestId('ft-start').click();
    await fineTuneResult(page, 180_000);
    const tuned = await predict(page, PROBE);
    const moved = Math.max(...Object.keys(tuned).map((k) => Math.abs(tuned[k]! - headOnly[k]!)));
    assert(moved > 1e-4, `fine-tuning changed the prediction: ${JSON.stringify(headOnly)} → ${JSON.stringify(tuned)}`);
    await tab(page, 'export');
    const tunedZip = await download(page, () => page.getByTestId('export-hf').click());
    checkHfZip(tunedZip.bytes, 'fine-tuned export');
    exported = { headOnly, tuned, headZip: headZip.bytes, tunedZip: tunedZip.bytes };

    // Offline: the Hub is gone; the model, both runs and their predictions come from IndexedDB.
    await hub.close();
    const before = env.requests.length;
    await page.reload();
    await page.getByTestId('backend-name').waitFor();
    await selectRun(page, /fine-tuned/);
    assertClose(await predict(page, PROBE), tuned, 1e-6, 'fine-tuned run, offline after reload');
    await selectRun(page, /^(?!.*fine-tuned)/);
    assertClose(await predict(page, PROBE), headOnly, 1e-6, 'head-only run, offline after reload');
    await trainSettings(page);
    await page.getByTestId('encoder-select').selectOption(ENCODER_ID);
    // The predictions above loaded it: from the browser cache, not the network.
    await page.getByTestId('encoder-status').filter({ hasText: 'from the browser cache' }).waitFor();
    const hubCalls = env.requests.slice(before).filter((r) => /^https?:/.test(r.url) && new URL(r.url).pathname.startsWith(E2E_HUB_PATH));
    assert(hubCalls.length === 0, `nothing asked the (stopped) Hub after the reload: ${hubCalls.map((r) => r.url).join(', ')}`);
  });

  test('hub: import the Hugging Face zips in a new browser → identical probabilities, also after a reload', async ({ env }) => {
    test.setTimeout(180_000);
    const shared = exported;
    assert(shared, 'the previous hub test exported the zips');
    const ctx = await env.newContext('hub-import');
    const page = await ctx.newPage();
    await openWasm(page, env.base, false);
    const imported: Record<string, Record<string, number>> = {};
    for (const [name, bytes, expected] of [['tiny-head.zip', shared.headZip, shared.headOnly], ['tiny-tuned.zip', shared.tunedZip, shared.tuned]] as const) {
      await tab(page, 'export');
      await page.getByTestId('import-hf-input').setInputFiles({ name, mimeType: 'application/zip', buffer: bytes });
      await page.getByTestId('import-ok').filter({ hasText: name.replace('.zip', '') }).waitFor({ timeout: 60_000 });
      imported[name] = await predict(page, PROBE);
      assertClose(imported[name]!, expected, 1e-5, `${name} imported vs the app's own run`);
    }
    await page.reload();
    await page.getByTestId('backend-name').waitFor();
    for (const name of Object.keys(imported)) {
      await selectRun(page, new RegExp(`^${name.replace('.zip', '')}`));
      assertClose(await predict(page, PROBE), imported[name]!, 1e-6, `${name} after a reload (encoder from IndexedDB)`);
    }
  });
});
