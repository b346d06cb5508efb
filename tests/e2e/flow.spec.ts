// The whole user flow on one backend: sample → train → predict → export → reload → import elsewhere.
import { writeFileSync, mkdirSync } from 'node:fs';
import { assert, test } from './fixtures';
import { assertClose, backendOf, exportAs, importBundle, openApp, predict, tab, train, useSampleAndSave } from './steps';

const PROBE = 'Terrible quality, it broke after one day and support ignored me.';

// SwiftShader WebGPU is ~50x slower than WASM here: the WebGPU flow keeps training tiny.
const FLOWS = [
  { backend: 'webgpu', epochs: 8, batchSize: 8, screenshot: true },
  { backend: 'wasm', epochs: 20, batchSize: 8, screenshot: false },
] as const;

for (const { backend, ...opts } of FLOWS) {
  test(`full flow on ${backend}: sample → train → predict → export → reload → import in a fresh profile`, async ({ env }) => {
    test.setTimeout(330_000);
    const ctx = await env.newContext(`${backend}-A`);
    const page = await openApp(env, ctx, backend);
    const b = await backendOf(page);
    assert(b.name === backend && !b.fellBack, `the header says backend "${b.name}"${b.fellBack ? ' (fell back)' : ''}, expected ${backend}`);
    if (backend === 'webgpu') assert(/swiftshader/i.test(b.adapter ?? ''), `the adapter is shown as "${b.adapter}", expected SwiftShader`);

    await useSampleAndSave(page);
    await train(page, opts);
    const acc = await page.getByTestId('metric-accuracy').textContent();
    assert(acc && /%$/.test(acc), `accuracy is shown (${acc})`);
    assert((await page.getByTestId('confusion').count()) === 1, 'a confusion matrix is shown');
    // One Train: the n-gram baseline and the encoder model side by side on the same rows, one kept.
    // (A blend whose weight came out 0 or 1 is one of its parts and is not listed.)
    for (const kind of ['baseline', 'encoder', 'hybrid']) {
      assert((await page.getByTestId(`candidate-${kind}`).count()) === 1, `the results list the ${kind} candidate`);
    }
    assert((await page.locator('[data-testid^="candidate-"][data-kept="true"]').count()) === 1, 'exactly one candidate is marked kept');
    const summary = (await page.getByTestId('kept-summary').textContent()) ?? '';
    assert(/^kept: /.test(summary), `the results say which model was kept and why: "${summary}"`);
    if (opts.screenshot) {
      mkdirSync('docs', { recursive: true });
      // Step 3 opens with the result at the top, under the header (backend + adapter): no scrolling.
      await page.evaluate(() => scrollTo(0, 0));
      writeFileSync('docs/screenshot.png', await page.screenshot({ fullPage: false, type: 'png' }));
    }

    const before = await predict(page, PROBE);
    assert(Object.keys(before).sort().join() === 'negative,positive', `one probability per label: ${JSON.stringify(before)}`);
    const sum = Object.values(before).reduce((a, v) => a + v, 0);
    assert(Math.abs(sum - 1) < 1e-4, `probabilities sum to 1 (${sum})`);
    assert(before.negative! > before.positive!, `"${PROBE}" reads as negative: ${JSON.stringify(before)}`);

    const bundle = await exportAs(page, 'bundle');
    assert(bundle.name.endsWith('.texttune.zip') && bundle.bytes.length > 1000, `bundle downloaded (${bundle.name}, ${bundle.bytes.length} bytes)`);

    await page.reload();
    await page.getByTestId('backend-name').waitFor();
    await tab(page, 'datasets');
    await page.getByTestId('dataset-item').first().waitFor();
    assert((await page.getByTestId('dataset-item').count()) === 1, 'the dataset survived the reload');
    await tab(page, 'train');
    await page.getByTestId('run-item').first().waitFor();
    assert((await page.getByTestId('run-item').count()) === 1, 'the run survived the reload');
    assertClose(await predict(page, PROBE), before, 1e-5, 'after reload');

    const fresh = await env.newContext(`${backend}-B`);
    const page2 = await openApp(env, fresh, backend);
    await importBundle(page2, bundle.name, bundle.bytes);
    await page2.getByTestId('import-ok').waitFor({ timeout: 120_000 });
    assertClose(await predict(page2, PROBE), before, 1e-5, 'imported in a fresh profile');
  });
}
