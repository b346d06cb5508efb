// One test per hostile input: each must end in a clear message or a listed rejected row.
import { appBase, assert, Recorder, test, type BrowserContext, type Page } from './fixtures';
import { openApp, uploadCsv } from './steps';

// One page for all hostile inputs (uploading a new file replaces the previous review): opening
// the app once instead of ten times. Each test uploads its own file, so any order works.
let ctx: BrowserContext;
let shared: Page;
let recorder: Recorder;

test.beforeAll(async ({ browser }, testInfo) => {
  recorder = new Recorder();
  ctx = await browser.newContext();
  recorder.track(ctx, 'hostile');
  shared = await openApp({ base: appBase(testInfo.project.use.baseURL) }, ctx, 'cpu');
});

test.afterAll(async () => {
  await ctx.close();
  recorder.assertClean();
});

async function fatal(page: Page, code: string, pattern: RegExp): Promise<void> {
  const el = page.getByTestId(`problem-${code}`);
  await el.waitFor();
  const text = (await el.textContent()) ?? '';
  assert(pattern.test(text), `problem-${code} says "${text}", expected ${pattern}`);
  assert(await page.getByTestId('save-dataset').isDisabled(), `a fatal problem (${code}) disables Save`);
}

async function rejected(page: Page, line: number, reason: RegExp): Promise<void> {
  const row = page.locator(`[data-testid="rejected-row"][data-line="${line}"]`);
  await row.waitFor();
  const text = (await row.textContent()) ?? '';
  assert(reason.test(text), `rejected line ${line} says "${text}", expected ${reason}`);
  assert(await page.getByTestId('save-dataset').isEnabled(), 'the valid rows can still be saved');
}

const GOOD = ['good product works well,pos', 'bad product broke fast,neg', 'great value love it,pos', 'awful and useless,neg', 'happy with it,pos', 'very disappointed,neg'];
const csv = (...lines: string[]): string => lines.join('\n') + '\n';

test('hostile: empty file', async () => {
  const page = shared;
  await uploadCsv(page, 'empty.csv', '');
  await fatal(page, 'empty-file', /empty/i);
});

test('hostile: header only', async () => {
  const page = shared;
  await uploadCsv(page, 'header.csv', 'text,label\n');
  await fatal(page, 'header-only', /header row but no data rows/i);
});

test('hostile: one label only', async () => {
  const page = shared;
  await uploadCsv(page, 'one-label.csv', csv('text,label', 'good product,pos', 'nice one,pos', 'works fine,pos', 'love it,pos'));
  await fatal(page, 'one-label', /at least 2 different labels/i);
});

test('hostile: no usable text column', async () => {
  const page = shared;
  await uploadCsv(page, 'numbers.csv', csv('a,b', '1,2', '3,4', '5,6', '7,8'));
  await fatal(page, 'no-text-column', /no text column/i);
});

test('hostile: too many labels (limit 200, explained)', async () => {
  const page = shared;
  const rows = Array.from({ length: 420 }, (_, i) => `this is sample sentence number ${i},label${i % 210}`);
  await uploadCsv(page, 'many.csv', csv('text,label', ...rows));
  // 210 distinct values is not detected as a label column; the user picks it and gets the explanation.
  await page.getByTestId('map-labelColumn').selectOption('1');
  await fatal(page, 'too-many-labels', /210 different labels; the limit is 200/);
});

test('hostile: ragged rows are listed with line and reason', async () => {
  const page = shared;
  await uploadCsv(page, 'ragged.csv', csv('text,label', ...GOOD, 'this row,has,three fields'));
  await rejected(page, 8, /3 fields where the header has 2: a comma inside a text that is not in double quotes/);
});

test('hostile: empty text', async () => {
  const page = shared;
  await uploadCsv(page, 'empty-text.csv', csv('text,label', ...GOOD, '   ,pos'));
  await rejected(page, 8, /empty text/);
});

test('hostile: missing label (kept as unlabelled, not rejected)', async () => {
  const page = shared;
  await uploadCsv(page, 'missing-label.csv', csv('text,label', ...GOOD, 'a text without a label,'));
  const review = page.getByTestId('import-review').filter({ has: page.locator('h3', { hasText: 'missing-label.csv' }) });
  const unlabelled = (await review.getByTestId('unlabelled-count').textContent()) ?? '';
  assert(/^1 row\(s\) have no label: they are kept/.test(unlabelled), `the row without a label is kept for labelling: "${unlabelled}"`);
  assert(((await review.getByTestId('rejected-count').textContent()) ?? '').trim() === '0', 'nothing is rejected');
  assert(await page.getByTestId('save-dataset').isEnabled(), 'the rows can be saved');
});

test('hostile: invalid UTF-8', async () => {
  const page = shared;
  const bytes = Buffer.concat([Buffer.from(csv('text,label', ...GOOD)), Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73, 0x2c, 0x6e, 0x65, 0x67, 0x0a])]);
  await uploadCsv(page, 'latin1.csv', bytes);
  await rejected(page, 8, /invalid UTF-8/);
});

test('hostile: duplicates', async () => {
  const page = shared;
  await uploadCsv(page, 'dupes.csv', csv('text,label', ...GOOD, 'Good product  works well,pos'));
  await rejected(page, 8, /duplicate of line 2/);
  const all = await page.getByTestId('download-rejected').count();
  assert(all === 1, 'the rejected rows can be downloaded as CSV');
});

test('hostile: Excel UTF-16 "Unicode Text" and a Windows-1252 CSV keep every row', async () => {
  const page = shared;
  const tsv = csv('text\tlabel', ...GOOD.map((g) => g.replace(',', '\t'))).replace(/\n/g, '\r\n');
  await uploadCsv(page, 'unicode-text.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]));
  const valid = async (name: string): Promise<string> =>
    ((await page.getByTestId('import-review').filter({ has: page.locator('h3', { hasText: name }) }).getByTestId('valid-count').textContent()) ?? '').trim();
  assert((await valid('unicode-text.txt')).startsWith('6 valid row(s), 0 rejected, 2 label(s)'), `UTF-16: ${await valid('unicode-text.txt')}`);
  await uploadCsv(page, 'excel-1252.csv', Buffer.from(csv('text,label', 'café très bon,pos', 'mauvais été,neg', 'génial,pos', 'décevant,neg'), 'latin1'));
  assert((await valid('excel-1252.csv')).startsWith('4 valid row(s), 0 rejected'), `Windows-1252: ${await valid('excel-1252.csv')}`);
  const warning = (await page.getByTestId('problem-read-as-windows-1252').textContent()) ?? '';
  assert(/not UTF-8: it was read as Windows-1252/.test(warning), `the encoding is said: "${warning}"`);
  assert(((await page.getByTestId('import-review').textContent()) ?? '').includes('café très bon'), 'the accents read right in the preview');
});

test('hostile: an Excel "sep=;" line and an unclosed quote lose no row', async () => {
  const page = shared;
  await uploadCsv(page, 'sep.csv', '\ufeff' + csv('sep=;', 'text;label', ...GOOD.map((g) => g.replace(',', ';')), '"never; closed;pos', '"Best" buy ever;pos', 'one more row;neg'));
  await rejected(page, 9, /double quote \(".*not closed properly/);
  const valid = ((await page.getByTestId('valid-count').textContent()) ?? '').trim();
  assert(valid.startsWith('8 valid row(s), 1 rejected, 2 label(s)'), `the header is not a row, the rows after the quote are kept: ${valid}`);
  assert(/line 10/.test((await page.getByTestId('problem-literal-quotes').textContent()) ?? ''), 'the row read with a literal quote is named');
});

test('hostile: a spreadsheet renamed .csv is refused saying what it is', async () => {
  const page = shared;
  await page.getByTestId('upload-input').setInputFiles({ name: 'sheet.csv', mimeType: 'text/csv', buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]) });
  const error = page.getByTestId('dataset-error');
  await error.waitFor();
  const text = (await error.textContent()) ?? '';
  assert(/ZIP archive \(an Excel \.xlsx.*CSV UTF-8/.test(text), `the message says what the file is: "${text}"`);
  assert(text.includes('sheet.csv: '), `the message names the file: "${text}"`);
  assert((await error.getAttribute('data-code')) === 'FILE_UNREADABLE', 'coded FILE_UNREADABLE');
});

test('hostile: two exports joined into one file, a zero-width space in a label', async () => {
  const page = shared;
  await uploadCsv(page, 'joined.csv', csv('text,label', ...GOOD.slice(0, 3), '\ufefftext,label', ...GOOD.slice(3, 5), 'fine thing,pos\u200b'));
  await rejected(page, 5, /repeats the header row \("text", "label"\): were two files joined/);
  const valid = ((await page.getByTestId('valid-count').textContent()) ?? '').trim();
  assert(valid.startsWith('6 valid row(s), 1 rejected, 2 label(s)'), `no "label" class, no second "pos": ${valid}`);
});

test('hostile: a header-less file read with a header gets its first row back from the checkbox', async () => {
  const page = shared;
  await uploadCsv(page, 'no-header.csv', csv('great,neutral', ...GOOD));
  const box = page.getByTestId('import-has-header');
  assert(await box.isChecked(), 'the first row was guessed to be a header');
  const before = ((await page.getByTestId('valid-count').textContent()) ?? '').trim();
  assert(before.startsWith('6 valid row(s)'), `the guess loses the first row: ${before}`);
  // A controlled checkbox: it changes once the worker has re-read the table, so click, then wait for the new count.
  await box.click();
  await page.getByTestId('valid-count').filter({ hasText: /^7 valid row\(s\), 0 rejected, 3 label\(s\)/ }).waitFor();
  assert(((await page.getByTestId('import-preview').textContent()) ?? '').includes('neutral'), 'the first row is in the preview');
  await page.getByTestId('save-dataset').click();
  const saved = (await page.getByTestId('dataset-saved').textContent()) ?? '';
  assert(/: 7 rows, 3 labels/.test(saved), `the saved dataset has the first row: "${saved}"`);
});

test('hostile: JSON Lines with a broken line and a non-record line keep every other row', async () => {
  const page = shared;
  const records = GOOD.map((g) => JSON.stringify({ text: g.split(',')[0], label: g.split(',')[1] }));
  await uploadCsv(page, 'reviews.jsonl', [records[0], '{"text": "cut short', ...records.slice(1, 4), '["a", "list"]', ...records.slice(4)].join('\n') + '\n');
  const review = page.getByTestId('import-review').filter({ has: page.locator('h3', { hasText: 'reviews.jsonl' }) });
  const summary = (await review.getByTestId('import-summary').textContent()) ?? '';
  assert(/JSON Lines, columns named by the records' fields/.test(summary), `the format is said: "${summary}"`);
  const valid = ((await review.getByTestId('valid-count').textContent()) ?? '').trim();
  assert(valid.startsWith('6 valid row(s), 2 rejected, 2 label(s)'), `JSON Lines: ${valid}`);
  await rejected(page, 2, /not valid JSON/);
  await rejected(page, 6, /not a record with named fields but a list/);
});
