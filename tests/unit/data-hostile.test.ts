// Hostile CSV inputs (issue 9): no row lost to mixed line endings, prototype-named labels work,
// every CSV we write escapes formulas, size caps give clear messages in bounded time.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, normalizeLineEndings, parseDelimited } from '../../src/core/data/csv';
import { csvCell, escapeFormula, toCsv, unescapeFormula } from '../../src/core/data/csv-write';
import { buildDataset, MAX_LABEL_CHARS, MAX_TEXT_CHARS, rejectedToCsv } from '../../src/core/data/validate';

const map = { textColumn: 0, labelColumn: 1 };

describe('line endings', () => {
  it('an LF line inside a CRLF file and a lone CR in an LF file lose no row', async () => {
    const mixed = 'text,label\r\none,a\r\ntwo,b\nthree,a\r\nfour,b\nfive,a\r\nsix,b\r\n';
    const t = await parseDelimited(mixed);
    expect(t.rows.map((r) => r[0])).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(t.lineNumbers).toEqual([2, 3, 4, 5, 6, 7]);
    expect(t.raggedRows).toEqual([]);
    const loneCr = await parseDelimited('text,label\none,a\rtwo,b\nthree,a\n');
    expect(loneCr.rows).toEqual([['one', 'a'], ['two', 'b'], ['three', 'a']]);
    expect(loneCr.lineNumbers).toEqual([2, 3, 4]);
  });

  it('keeps line numbers right across quoted multi-line fields with mixed breaks', async () => {
    const t = await parseDelimited('text,label\r\n"a\rb\nc",x\r\nd,y\n');
    expect(t.rows).toEqual([['a\nb\nc', 'x'], ['d', 'y']]);
    expect(t.lineNumbers).toEqual([2, 5]);
    expect(normalizeLineEndings('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });
});

describe('labels that are Object.prototype names', () => {
  it('__proto__, constructor and toString are counted and listed like any label', async () => {
    const lines = ['text,label'];
    const labels = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    labels.forEach((l, j) => {
      for (let i = 0; i < 3; i++) lines.push(`text ${j} number ${i},${l}`);
    });
    const r = buildDataset(await parseDelimited(lines.join('\n')), map);
    expect(r.labels).toEqual([...labels].sort());
    expect(r.labels.map((l) => r.labelCounts.get(l))).toEqual([3, 3, 3, 3]);
    expect(r.rows).toHaveLength(12);
    expect(r.problems).toEqual([]);
  });
});

describe('formula escaping (csv-write.ts)', () => {
  it('prefixes = + - @ tab CR and a leading quote, and nothing else; unescape is its inverse', () => {
    for (const c of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx', "'x"]) expect(escapeFormula(c)).toBe(`'${c}`);
    for (const c of ['1', 'plain', ' =x', 'a=b', '']) expect(escapeFormula(c)).toBe(c);
    for (const c of ['=1+1', "'=1", "''", 'x', '-', "'"]) expect(unescapeFormula(escapeFormula(c))).toBe(c);
  });

  it('toCsv round-trips through a CSV parser as escaped text', () => {
    const csv = toCsv(['text', 'prob_=1+1'], [['=HYPERLINK("http://x","y")', '-0.5'], ['say "hi",\nthere', 'ok']]);
    const back = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data;
    expect(back).toEqual([
      ['text', 'prob_=1+1'],
      ['\'=HYPERLINK("http://x","y")', "'-0.5"],
      ['say "hi",\nthere', 'ok'],
    ]);
    expect(csvCell('@x')).toBe("'@x");
  });

  it('the rejected-rows CSV escapes formula cells', () => {
    const csv = rejectedToCsv([{ line: 2, reason: 'empty text', raw: '=cmd|calc' }]);
    expect(csv).toBe("line,reason,raw\r\n2,empty text,'=cmd|calc\r\n");
  });
});

describe('size caps', () => {
  it('a file over MAX_FILE_BYTES is refused before it is read, with its size and the limit', async () => {
    const blob = new Blob(['text,label\nx,y\n']);
    Object.defineProperty(blob, 'size', { value: MAX_FILE_BYTES + 1 });
    blob.arrayBuffer = () => Promise.reject(new Error('must not be read'));
    await expect(parseDelimited(blob)).rejects.toMatchObject({ code: 'file-too-large', message: expect.stringMatching(/^The file is 100\.0 MB; the limit is 100 MB/) });
  });

  it('a 20 MB text field is cut to MAX_TEXT_CHARS with a warning naming the line; the row is kept', async () => {
    const huge = 'word '.repeat(4_000_000);
    const csv = `text,label\n"${huge}",a\nshort one,b\nanother,a\nmore,b\n`;
    const t0 = performance.now();
    const r = buildDataset(await parseDelimited(csv), map);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.rows).toHaveLength(4);
    expect(r.rows[0]!.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(r.problems.find((p) => p.code === 'long-texts-cut')?.message).toMatch(/^1 text\(s\) are longer than 100,000 characters and were cut to that length \(line 2\)/);
  });

  it('a label longer than MAX_LABEL_CHARS rejects its row, and rejected raw lines are cut', async () => {
    const label = 'l'.repeat(MAX_LABEL_CHARS + 1);
    const r = buildDataset(await parseDelimited(`text,label\nx,${label}\ny,a\nz,b\n`), map);
    expect(r.rejected[0]).toMatchObject({ line: 2, reason: expect.stringMatching(/^label longer than 200 characters \(201\)/) });
    expect(r.rejected[0]!.raw.length).toBeLessThanOrEqual(1_001);
  });

  it('the few-rows warning lists 10 of 3,000 labels and a count, not all of them', async () => {
    const lines = ['text,label'];
    for (let i = 0; i < 3_000; i++) lines.push(`text ${i},label${i}`);
    const r = buildDataset(await parseDelimited(lines.join('\n')), map, { maxLabels: 5_000 });
    const few = r.problems.find((p) => p.code === 'few-rows-per-label')!;
    expect(few.message).toMatch(/^3000 label\(s\) have fewer than 3 rows \(.*and 2990 more\)/);
    expect(few.message.length).toBeLessThan(400);
  });
});
