import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, detectDelimiter, parseDelimited } from '../../src/core/data/csv';
import { mulberry32 } from '../../src/core/data/random';

describe('parseDelimited', () => {
  it('reads a header and assigns physical line numbers, also across quoted multi-line fields', async () => {
    const csv = [
      'text,label',
      '"first line',
      'second line",pos', // row 1 spans lines 2-3
      '',
      'plain,neg', // line 5 (line 4 empty)
      '"a ""quoted"" word, with comma",pos', // line 6
      '"three',
      '',
      'lines",neg', // lines 7-9
      'last,pos', // line 10
    ].join('\n');
    const t = await parseDelimited(csv);
    expect(t.hasHeader).toBe(true);
    expect(t.columns).toEqual(['text', 'label']);
    expect(t.delimiter).toBe(',');
    expect(t.rows.map((r) => r[0])).toEqual(['first line\nsecond line', 'plain', 'a "quoted" word, with comma', 'three\n\nlines', 'last']);
    expect(t.lineNumbers).toEqual([2, 5, 6, 7, 10]);
    expect(t.raggedRows).toEqual([]);
  });

  it('counts CRLF line ends once and drops the stray \\r of mixed endings', async () => {
    const t = await parseDelimited('text,label\r\n"x\r\ny",a\r\nz,b\r\n');
    expect(t.lineNumbers).toEqual([2, 4]);
    expect(t.rows[1]).toEqual(['z', 'b']);
    const mixed = await parseDelimited('text,label\nx,a\r\ny,b\n');
    expect(mixed.rows).toEqual([['x', 'a'], ['y', 'b']]);
    expect(mixed.lineNumbers).toEqual([2, 3]);
  });

  it.each([
    ['tab', '\t'],
    ['semicolon', ';'],
    ['pipe', '|'],
    ['comma', ','],
  ])('detects a %s delimiter even when the text contains commas', async (_name, d) => {
    const lines = ['review' + d + 'label', `good, really good${d}pos`, `bad, so bad${d}neg`, `fine, I guess${d}pos`];
    const t = await parseDelimited(lines.join('\n'));
    expect(t.delimiter).toBe(d === ',' ? ',' : d);
    if (d !== ',') expect(t.rows[0]).toEqual(['good, really good', 'pos']);
  });

  it('decides there is no header when the first row looks like data, and says why', async () => {
    const t = await parseDelimited('great film,pos\nawful film,neg\nok film,pos\n');
    expect(t.hasHeader).toBe(false);
    expect(t.headerReason).toMatch(/recurs as a value/);
    expect(t.columns).toEqual(['column 1', 'column 2']);
    expect(t.lineNumbers).toEqual([1, 2, 3]);
  });

  it('detects a header of unknown names by comparing it with the data', async () => {
    const rows = ['phrase;grade'];
    for (let i = 0; i < 6; i++) rows.push(`this is a fairly long sentence number ${i};${i % 2}`);
    const t = await parseDelimited(rows.join('\n'));
    expect(t.hasHeader).toBe(true);
    expect(t.headerReason).toMatch(/numeric but its first cell "grade"/);
  });

  it('lists ragged rows with the expected and received field counts', async () => {
    const t = await parseDelimited('text,label\na,b\nc,d,e\nf\ng,h\n');
    expect(t.raggedRows).toEqual([
      { line: 3, expected: 2, got: 3 },
      { line: 4, expected: 2, got: 1 },
    ]);
    expect(t.rows).toHaveLength(4);
  });

  it('returns no rows for an empty file and a header-only table', async () => {
    const empty = await parseDelimited('');
    expect(empty.rows).toEqual([]);
    expect(empty.hasHeader).toBe(false);
    const headerOnly = await parseDelimited('text,label\n');
    expect(headerOnly.hasHeader).toBe(true);
    expect(headerOnly.rows).toEqual([]);
  });

  it('parses 20k rows in chunks, reporting monotonic progress up to 1 and exact line numbers', async () => {
    const rng = mulberry32(7);
    const parts = ['text\tlabel'];
    const expectedLines: number[] = [];
    let line = 2;
    for (let i = 0; i < 20_000; i++) {
      expectedLines.push(line);
      const multi = rng() < 0.1;
      parts.push(multi ? `"row ${i}\nsecond part"\tl${i % 5}` : `row ${i} text\tl${i % 5}`);
      line += multi ? 2 : 1;
    }
    const progress: number[] = [];
    const t = await parseDelimited(parts.join('\n'), { chunkSize: 64 * 1024, onProgress: (f) => progress.push(f) });
    expect(t.rows).toHaveLength(20_000);
    expect(t.lineNumbers).toEqual(expectedLines);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });

  it('accepts a Blob, decoding it strictly and reporting invalid UTF-8 lines', async () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([...enc.encode('text,label\nok,a\n'), 0x62, 0xff, 0x61, 0x64, ...enc.encode(',b\nfine é,a\n')]);
    const t = await parseDelimited(new Blob([bytes]));
    expect(t.invalidUtf8Lines).toEqual([3]);
    expect(t.rows[2]).toEqual(['fine é', 'a']);
  });

  it('rejects a bad chunkSize naming the value', async () => {
    await expect(parseDelimited('a,b', { chunkSize: 0 })).rejects.toMatchObject({ name: 'DataError', code: 'invalid-argument', message: /chunkSize.*0/ });
  });
});

describe('detectDelimiter', () => {
  it('falls back to comma for a single-column file', () => {
    expect(detectDelimiter('just text\nmore text\n')).toBe(',');
  });
});

describe('decodeUtf8Strict', () => {
  it('returns the text and no invalid lines for valid UTF-8 (BOM stripped)', () => {
    const r = decodeUtf8Strict(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('héllo\nwörld')]));
    expect(r).toEqual({ text: 'héllo\nwörld', invalidLines: [] });
  });

  it('names every line with an invalid sequence, with \\n, \\r\\n and \\r line ends', () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([
      ...enc.encode('good\r\n'), // line 1
      0xc3, 0x28, 0x0a, // line 2: bad continuation byte
      ...enc.encode('ok\r'), // line 3
      0xe2, 0x82, 0x0d, 0x0a, // line 4: truncated 3-byte sequence
      ...enc.encode('fine'), // line 5
      0x0a, 0xed, 0xa0, 0x80, // line 6: UTF-16 surrogate encoded in UTF-8
    ]);
    const r = decodeUtf8Strict(bytes);
    expect(r.invalidLines).toEqual([2, 4, 6]);
    expect(r.text.split(/\r\n|\r|\n/)[4]).toBe('fine');
    expect(r.text).toContain('\uFFFD');
  });
});
