// Persistence, stop, exports, batch prediction, bundle refusal, a large import, privacy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { decodeSafetensors } from '../../src/core/formats/safetensors';
import { readBundle, writeBundle } from '../../src/core/formats/bundle';
import { assert, test } from './fixtures';
import { batchPredict, exportAs, importBundle, openApp, predict, tab, train, useSampleAndSave, trainSettings } from './steps';

test('datasets: rename and delete survive a reload', async ({ env }) => {
  const ctx = await env.newContext('datasets');
  const page = await openApp(env, ctx, 'cpu');
  await useSampleAndSave(page);
  await page.getByTestId('dataset-rename').click();
  await page.getByTestId('rename-input').fill('Reviews (renamed)');
  await page.getByTestId('rename-save').click();
  await page.locator('[data-testid="dataset-item"][data-name="Reviews (renamed)"]').waitFor();
  // The same rows again (the same file uploaded twice): said, naming the saved copy; saving stays possible.
  await page.getByTestId('use-sample').click();
  const twin = page.getByTestId('problem-same-rows-saved');
  await twin.waitFor();
  assert(/^These 40 rows are exactly those of the dataset "Reviews \(renamed\)"/.test((await twin.textContent()) ?? ''), `the second import says it is a copy: "${await twin.textContent()}"`);
  assert(await page.getByTestId('save-dataset').isEnabled(), 'a copy can still be saved');
  assert(/already saved as a dataset/.test((await page.getByTestId('save-summary').textContent()) ?? ''), 'the line under Save says so too');
  const usage = await page.getByTestId('storage-estimate').textContent();
  assert(/storage .+ \/ .+/.test(usage ?? ''), `storage use is shown (${usage})`);
  await page.reload();
  await page.locator('[data-testid="dataset-item"][data-name="Reviews (renamed)"]').waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('dataset-delete').click();
  await page.getByTestId('no-datasets').waitFor();
  await page.reload();
  await page.getByTestId('no-datasets').waitFor();
});

test('train: Stop ends the run and keeps the best epoch', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('stop');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await trainSettings(page);
  // Stop is about the epoch-by-epoch hidden-layer head (the default logistic regression has no epochs).
  await page.getByTestId('cfg-hiddenUnits').fill('64');
  await page.getByTestId('cfg-epochs').fill('400');
  await page.getByTestId('cfg-batchSize').fill('4');
  await page.getByTestId('cfg-patience').fill('0');
  await page.getByTestId('train-button').click();
  await page.waitForFunction(() => /^(\d+) epoch/.exec(document.querySelector('[data-testid="live-epoch-count"]')?.textContent ?? '')?.[1] !== undefined && Number(/^(\d+)/.exec(document.querySelector('[data-testid="live-epoch-count"]')!.textContent!)![1]) >= 3, null, { timeout: 120_000 });
  await page.getByTestId('stop-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
  const head = (await page.getByTestId('run-result').locator('h2').textContent()) ?? '';
  assert(/stopped by you/.test(head), `the result says it was stopped: "${head}"`);
  const m = /best epoch (\d+) of (\d+)/.exec(head);
  assert(m && Number(m[2]) < 400 && Number(m[1]) <= Number(m[2]), `best epoch within the epochs run: "${head}"`);
});

// The refused-import test damages the bundle that the exports test downloads: one group, in order.
test.describe.serial('exports, then a refused import', () => {
  let exportsBundle: { name: string; bytes: Buffer } | undefined;

  test('exports: tfjs zip, safetensors, batch predict CSV', async ({ env }) => {
    test.setTimeout(180_000);
    const ctx = await env.newContext('exports');
    const page = await openApp(env, ctx, 'wasm');
    await useSampleAndSave(page);
    await trainSettings(page);
    await page.getByTestId('cfg-epochs').fill('5');
    await page.getByTestId('train-button').click();
    await page.getByTestId('run-result').waitFor({ timeout: 120_000 });

    const zip = await exportAs(page, 'tfjs-zip');
    const files = unzipSync(new Uint8Array(zip.bytes));
    assert(['metadata.json', 'model.json', 'weights.bin'].every((f) => f in files), `zip has model.json, weights.bin, metadata.json: ${Object.keys(files)}`);
    const meta = JSON.parse(strFromU8(files['metadata.json']!));
    assert(meta.labels.join() === 'negative,positive' && meta.encoder.id === 'use-lite' && meta.encoder.weightsHash && meta.encoder.tokenizer && meta.encoder.maxSeqLength > 0 && meta.createdAt && meta.metrics, `metadata.json is complete: ${JSON.stringify(meta).slice(0, 200)}`);
    const modelJson = JSON.parse(strFromU8(files['model.json']!));
    assert(modelJson.weightsManifest[0].paths[0] === 'weights.bin', 'model.json points at weights.bin');

    const st = await exportAs(page, 'safetensors');
    const decoded = decodeSafetensors(new Uint8Array(st.bytes));
    const kernel = decoded.tensors.find((t) => /logits\/kernel/.test(t.name));
    assert(kernel && kernel.dtype === 'F32' && kernel.shape[1] === 2, `safetensors has the logits kernel [*, 2]: ${decoded.tensors.map((t) => `${t.name}${JSON.stringify(t.shape)}`)}`);

    await tab(page, 'playground');
    const input = 'review,id\n"Broke on day one, useless",1\n"Wonderful, works perfectly",2\n';
    const out = await batchPredict(page, 'batch.csv', Buffer.from(input));
    assert(/^2 rows, text column “review”/.test(out.preview), `the preview says what will be predicted: "${out.preview}"`);
    // A UTF-8 byte order mark first, so Excel reads the file as UTF-8 (components/download.ts).
    assert(out.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `the CSV starts with a UTF-8 BOM: ${out.bytes.subarray(0, 3).toString('hex')}`);
    const lines = out.bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    assert(lines[0] === 'review,id,predicted_label,prob_negative,prob_positive', `batch header: ${lines[0]}`);
    assert(lines.length === 3, `one output row per input row: ${lines.length - 1}`);
    assert(out.headerToggle, 'a CSV offers the header toggle');
    // JSON Lines too: field names are the columns, so there is no header row to toggle.
    const jl = await batchPredict(page, 'batch.jsonl', Buffer.from('{"id": 1, "review": "Broke on day one, useless"}\n{"id": 2, "review": "Wonderful, works perfectly"}\n'));
    assert(/^2 rows, text column “review”/.test(jl.preview) && !jl.headerToggle, `a JSON Lines preview, no header toggle: "${jl.preview}"`);
    const jlines = jl.bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
    assert(jlines[0] === 'id,review,predicted_label,prob_negative,prob_positive' && jlines.length === 3, `JSON Lines batch: ${jlines.join(' | ')}`);
    exportsBundle = await exportAs(page, 'bundle');
  });

  test('import: a damaged or mismatched bundle is refused and changes nothing', async ({ env }) => {
    test.setTimeout(180_000);
    const bundle = exportsBundle;
    assert(bundle, 'needs the bundle exported by the previous test');
    const ctx = await env.newContext('import-bad');
    const page = await openApp(env, ctx, 'wasm');

    const damaged = Buffer.from(bundle.bytes);
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
    await importBundle(page, 'damaged.texttune.zip', damaged);
    const e1 = page.getByTestId('import-error');
    await e1.waitFor();
    assert(/not a valid TextTune bundle/.test((await e1.textContent()) ?? ''), `clear damaged-file error: ${await e1.textContent()}`);

    const contents = await readBundle(new Uint8Array(bundle.bytes));
    const other = await writeBundle({ ...contents, metadata: { ...contents.metadata, encoder: { ...contents.metadata.encoder, weightsHash: 'f'.repeat(64) } } });
    await importBundle(page, 'mismatch.texttune.zip', Buffer.from(other));
    await page.getByTestId('import-error').filter({ hasText: 'was trained on' }).waitFor({ timeout: 120_000 });

    await importBundle(page, 'notes.txt', Buffer.from('hello'));
    await page.getByTestId('import-error').filter({ hasText: 'notes.txt' }).waitFor();

    await trainSettings(page);
    await page.getByText('No runs yet.').waitFor();
  });
});

test('large import: 200k rows / ~15 MB with a progress bar and no main-thread task over 200 ms', async ({ env }) => {
  test.setTimeout(240_000);
  const ctx = await env.newContext('large');
  const page = await openApp(env, ctx, 'cpu');
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const words = ['great', 'awful', 'battery', 'screen', 'price', 'delivery', 'quality', 'broke', 'love', 'return', 'fast', 'slow'];
  const lines = ['text,label'];
  for (let i = 0; i < 200_000; i++) {
    const text = Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 13 + (i >> j)) % words.length]).join(' ');
    lines.push(`"row ${i}: ${text}",${['positive', 'negative', 'neutral'][i % 3]}`);
  }
  const bytes = Buffer.from(lines.join('\n') + '\n');
  assert(bytes.length > 14_000_000, `the file is ~15 MB (${bytes.length} bytes)`);
  // A file on disk, not a buffer: a buffer is injected by page script, itself a long main-thread task.
  const dir = mkdtempSync(join(tmpdir(), 'texttune-'));
  const path = join(dir, 'large.csv');
  writeFileSync(path, bytes);
  // The browser reads the file from disk while it parses: it is deleted only once that is done
  // (deleted earlier, a busy engine read it too late and got NotFoundError).
  try {
    await page.getByTestId('upload-input').setInputFiles(path);
    await page.getByTestId('parse-progress').waitFor({ timeout: 30_000 });
    await page.getByTestId('valid-count').waitFor({ timeout: 120_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const valid = (await page.getByTestId('valid-count').textContent()) ?? '';
  assert(/^200000 valid row/.test(valid), `all rows are valid: "${valid}"`);
  await page.getByTestId('save-dataset').click();
  await page.getByTestId('dataset-saved').waitFor({ timeout: 120_000 });
  const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
  assert(longest < 200, `the longest main-thread task took ${longest.toFixed(0)} ms`);
});

// Self-contained: its own full flow (the encoder loaded by the worker, training, prediction,
// export) is recorded here. Every other test's requests and page problems are checked by the
// `env` fixture as it ends.
test('privacy: every request of a full flow stayed on 127.0.0.1, strict CSP, no page problem', async ({ env }) => {
  test.setTimeout(180_000);
  const ctx = await env.newContext('privacy');
  const page = await openApp(env, ctx, 'wasm');
  await useSampleAndSave(page);
  await train(page, { epochs: 3, batchSize: 8 });
  await predict(page, 'Terrible quality, it broke after one day.');
  await exportAs(page, 'bundle');

  assert(env.requests.length > 0, 'requests were recorded');
  const outside = env.outside();
  assert(outside.length === 0, `requests left 127.0.0.1: ${outside.map((r) => `${r.context}: ${r.url}`).join(', ')}`);
  assert(env.requests.some((r) => /group1-shard1of7$/.test(r.url)), 'the worker’s own requests (encoder shards) were recorded too');
  const res = await fetch(env.base);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert(/http-equiv="Content-Security-Policy"/.test(await res.text()), 'the built page carries the policy in a <meta> too');
  assert(/script-src 'self' 'wasm-unsafe-eval'/.test(csp) && !/unsafe-eval'/.test(csp.replace("'wasm-unsafe-eval'", '')), `strict CSP header: ${csp}`);
  assert(env.pageProblems.length === 0, `page problems: ${env.pageProblems.join(' | ')}`);
});
