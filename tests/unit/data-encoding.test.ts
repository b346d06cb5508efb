// Files real users upload that are not plain UTF-8 CSV (QA pass): Excel's UTF-16 "Unicode Text"
// and Windows-1252 "CSV", spreadsheets and images renamed .csv, JSON, Excel's "sep=;" line,
// trailing delimiters, an unclosed quote, labels that differ only in case. Each one keeps every
// valid row or ends in a message that says what the file is and what to do.
import { describe, expect, it } from 'vitest';
import { parseDelimited, withHeader } from '../../src/core/data/csv';
import { Importer } from '../../src/worker/importer';
import { decodeText, decodeWindows1252, looksLikeWindows1252, sniffUtf16 } from '../../src/core/data/encoding';
import { buildDataset } from '../../src/core/data/validate';
import { DataError } from '../../src/core/data/errors';
import { notTextReason } from '../../src/features/playground/binary-file';

const ROWS = ['good product works well,pos', 'bad product broke fast,neg', 'great value love it,pos', 'awful and useless,neg'];
const CSV = `text,label\n${ROWS.join('\n')}\n`;
const map = { textColumn: 0, labelColumn: 1 };
const blob = (...parts: (string | number[])[]): Blob => new Blob(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Uint8Array.from(p))));
const utf16 = (s: string, be: boolean, bom = true): Uint8Array<ArrayBuffer> => {
  const b = Buffer.from(s, 'utf16le');
  if (be) b.swap16();
  return Uint8Array.from([...(bom ? (be ? [0xfe, 0xff] : [0xff, 0xfe]) : []), ...b]);
};

async function build(file: Blob) {
  const table = await parseDelimited(file);
  return { table, result: buildDataset(table, map) };
}

describe('encodings', () => {
  it('reads UTF-16 LE and BE with a BOM, and Excel\'s BOM-less tab-separated UTF-16, losing no row', async () => {
    for (const bytes of [utf16(CSV, false), utf16(CSV, true), utf16(CSV.replace(/,/g, '\t').replace(/\n/g, '\r\n'), false, false)]) {
      const { table, result } = await build(new Blob([bytes]));
      expect(table.columns).toEqual(['text', 'label']);
      expect(result.rows.map((r) => r.text)).toEqual(ROWS.map((r) => r.split(/[,\t]/)[0]));
      expect(result.labels).toEqual(['neg', 'pos']);
      expect(result.rejected).toEqual([]);
    }
    expect(sniffUtf16(utf16('text\tlabel\n', false, false))).toBe('utf-16le');
    expect(sniffUtf16(utf16('text\tlabel\n', true, false))).toBe('utf-16be');
    expect(sniffUtf16(Buffer.from(CSV))).toBeNull();
  });

  it('reads a whole Windows-1252 file (é as 0xE9, curly quotes) with a warning, instead of rejecting every accented row', async () => {
    const bytes = Buffer.concat([Buffer.from('text,label\ncaf\xe9 tr\xe8s bon,pos\nmauvais \xe9t\xe9,neg\n', 'latin1'), Buffer.from([0x93, 0x61, 0x94, 0x2c, 0x70, 0x6f, 0x73, 0x0a])]);
    const { table, result } = await build(new Blob([bytes]));
    expect(table.encoding).toBe('windows-1252');
    expect(result.rows.map((r) => r.text)).toEqual(['café très bon', 'mauvais été', '“a”']);
    expect(result.rejected).toEqual([]);
    expect(result.problems.find((p) => p.code === 'read-as-windows-1252')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/not UTF-8.*Windows-1252.*CSV UTF-8/) });
    expect(decodeWindows1252(Uint8Array.from([0x80, 0x81, 0xe9]))).toBe('€\u0081é');
  });

  it('keeps the strict UTF-8 reading (one row rejected) for a UTF-8 file with one damaged row, and for FF FE bytes', async () => {
    const mixed = await build(blob('text,label\nnaïve but fine,pos\n', [0x62, 0x61, 0x64, 0xe9, 0x2c, 0x6e, 0x65, 0x67, 0x0a], 'ok,neg\n'));
    expect(mixed.table.encoding).toBe('utf-8');
    expect(mixed.result.rejected).toEqual([expect.objectContaining({ line: 3, reason: 'invalid UTF-8' })]);
    expect(mixed.result.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(mixed.result.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'invalid-utf8', message: expect.stringMatching(/^1 row\(s\) are not valid UTF-8 and were rejected \(line 3\).*CSV UTF-8/) }));
    expect(looksLikeWindows1252(Uint8Array.from([0x61, 0xff, 0xfe, 0x62]))).toBe(false);
    expect(looksLikeWindows1252(Uint8Array.from([0x61, 0x9d]))).toBe(false);
    expect(decodeText(Uint8Array.from([0x61, 0xff, 0xfe, 0x2c, 0x62, 0x0a])).encoding).toBe('utf-8');
  });

  it('batch predict accepts UTF-16 and Windows-1252 files and still refuses binary ones', () => {
    expect(notTextReason(utf16(CSV, false))).toBeNull();
    expect(notTextReason(utf16(CSV, true, false))).toBeNull();
    expect(notTextReason(Buffer.from('text\ncaf\xe9\n', 'latin1'))).toBeNull();
    expect(notTextReason(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toMatch(/binary file/);
  });
});

describe('files that are not tables', () => {
  it('an .xlsx, a PNG, a PDF or a NUL-filled file renamed .csv is refused saying what it is', async () => {
    const cases: [number[], RegExp][] = [
      [[0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0], /ZIP archive \(an Excel \.xlsx/],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], /PNG image/],
      [[0x25, 0x50, 0x44, 0x46, 0x2d, 0x31], /PDF document/],
      [[0x01, 0, 0, 0, 0x02, 0, 0, 0, 0x41, 0, 0, 0, 0x42], /NUL bytes.*binary file/],
    ];
    for (const [bytes, what] of cases) {
      const err = await parseDelimited(new Blob([Uint8Array.from(bytes)])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err).toMatchObject({ code: 'not-text', engineCode: 'FILE_UNREADABLE', message: expect.stringMatching(what) });
      expect((err as Error).message).toMatch(/CSV UTF-8/);
    }
  });

  it('one stray NUL rejects its row only', async () => {
    const { result } = await build(blob(CSV, 'nul\u0000here,pos\n'));
    expect(result.rows).toHaveLength(4);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 6, reason: expect.stringMatching(/NUL byte/) })]);
  });

  it('a JSON array or JSON Lines file is read as records (json-table.test.ts has the details); a CSV starting with a bracket stays a CSV', async () => {
    const objs = ROWS.map((r) => ({ text: r.split(',')[0], label: r.split(',')[1] }));
    for (const text of [JSON.stringify(objs), JSON.stringify(objs, null, 2), objs.map((o) => JSON.stringify(o)).join('\n')]) {
      const t = await parseDelimited(new Blob([text]));
      expect(t.columns).toEqual(['text', 'label']);
      expect(t.rows).toEqual(objs.map((o) => [o.text, o.label]));
    }
    // A CSV whose first text starts with a bracket is still a CSV.
    const t = await parseDelimited('[draft] first,pos\n{x} second,neg\nthird,pos\n');
    expect(t.format).toBeUndefined();
    expect(t.rows.length + (t.hasHeader ? 1 : 0)).toBe(3);
  });
});

describe('delimited-text quirks', () => {
  it('Excel\'s "sep=;" first line (after a BOM) sets the delimiter and is not the header; line numbers stay physical', async () => {
    const { table, result } = await build(blob([0xef, 0xbb, 0xbf], `sep=;\n${CSV.replace(/,/g, ';')}`));
    expect(table.delimiter).toBe(';');
    expect(table.columns).toEqual(['text', 'label']);
    expect(result.labels).toEqual(['neg', 'pos']);
    expect(result.rows.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    const padded = await parseDelimited(`"sep=;";\r\n${CSV.replace(/,/g, ';')}`);
    expect([padded.delimiter, padded.columns, padded.rows.length]).toEqual([';', ['text', 'label'], 4]);
  });

  it('a delimiter at the end of every data row (not the header) is dropped; a row with a real extra field is still reported', async () => {
    const { result } = await build(blob(`text,label\n${ROWS.map((r) => `${r},`).join('\n')}\nwith, a comma,pos\n`));
    expect(result.rows).toHaveLength(4);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 6, reason: expect.stringMatching(/^3 fields where the header has 2/) })]);
  });

  it('a header that ends in a delimiter does not make every row one field short', async () => {
    const { table, result } = await build(blob(`text,label,,\n${ROWS[0]},,\n${ROWS[1]}\n${ROWS[2]},\n${ROWS[3]}\nno label here\n`));
    expect(table.columns).toEqual(['text', 'label', 'column 3', 'column 4']);
    expect(result.rows.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 6, reason: expect.stringMatching(/^1 field where the header has 4/) })]);
  });

  it('an unclosed quote no longer swallows the rest of the file: its line is read with the quote as a character, or rejected if that does not fit', async () => {
    for (const [bad, text] of [['"never closed,pos', '"never closed'], ['"Best" buy ever,neg', '"Best" buy ever']] as const) {
      const { result } = await build(blob(`text,label\n${ROWS.slice(0, 2).join('\n')}\n${bad}\n${ROWS.slice(2).join('\n')}\n`));
      expect(result.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
      expect(result.rows[2]!.text).toBe(text);
      expect(result.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'literal-quotes', message: expect.stringMatching(/^1 row\(s\) .* double quote .*\(line 4\)/) }));
    }
    // A quote closed mid-field ran on to the next `",` and merged the rows between into one text.
    const merged = await build(blob('text,label\n"Best" buy ever,pos\nfine one,neg\n"Nice",neg\nlast,pos\n'));
    expect(merged.result.rows.map((r) => [r.line, r.text, r.label])).toEqual([[2, '"Best" buy ever', 'pos'], [3, 'fine one', 'neg'], [4, 'Nice', 'neg'], [5, 'last', 'pos']]);
    const bad = '"a, b,pos';
    const two = await build(blob(`text,label\n${bad}\n${ROWS[0]}\n"b,neg\n${ROWS[1]}\n`));
    expect(two.result.rows.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(two.result.rejected).toEqual([{ line: 2, reason: expect.stringMatching(/double quote .* not closed properly.* 3 fields where the header has 2/), raw: bad }]);
  });

  it('a file whose label column is empty says so (was "None of the 0 rows is usable")', async () => {
    const { result } = await build(blob('text,label\ngood one,\nbad one,\nfine,\n'));
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'fatal', code: 'no-valid-rows', message: expect.stringMatching(/^No row has a label: the label column is empty in all 3 rows/) })]);
    const one = await build(blob('text,label\ngood one,\nbad one,pos\n'));
    expect(one.result.problems[0]!.message).toMatch(/^Every labelled row has the label "pos"/);
  });

  it('a one-column file says there is only one column, not "pick the label column"', async () => {
    const { result } = await build(blob('text\nhello there\nworld peace\n'));
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'fatal', code: 'no-label-column', message: expect.stringMatching(/^The file has only one column \("text"\).*comma, tab, semicolon or pipe/) })]);
  });

  it('a header-less file whose first label occurs once keeps its first row; a 3-word column name over long texts is still a header', async () => {
    const { table, result } = await build(blob(`it is just a product,neutral\n${ROWS.join('\n')}\n`));
    expect(table.hasHeader).toBe(false);
    expect(result.rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const long = ROWS.map((r) => r.replace(',', ' and then a good deal more words about it than a name would ever have,'));
    const named = await parseDelimited(`Consumer complaint narrative,Outcome\n${long.join('\n')}\n`);
    expect(named.hasHeader).toBe(true);
  });

  it('a header repeated mid-file (two exports joined, the second with its BOM) is rejected, not trained as the label "label"', async () => {
    const { result } = await build(blob(`text,label\n${ROWS.slice(0, 2).join('\n')}\n\ufefftext,label\n${ROWS.slice(2).join('\n')}\n`));
    expect(result.labels).toEqual(['neg', 'pos']);
    expect(result.rows).toHaveLength(4);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 4, reason: expect.stringMatching(/^repeats the header row \("text", "label"\): were two files joined/) })]);
  });

  it('a zero-width space or a space before a quoted label does not make a label of its own', async () => {
    const { result } = await build(blob('text,label\na,pos\u200b\nb, "pos"\nc,pos\nd,neg\n\u200be,neg\n'));
    expect(result.labels).toEqual(['neg', 'pos']);
    expect(result.labelCounts.get('pos')).toBe(3);
    expect(result.rows.map((r) => r.text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a column of continuous numbers as labels is explained as a score, not classes', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `text number ${i},${(i * 0.37).toFixed(2)}`);
    const { result } = await build(blob(`text,score\n${rows.join('\n')}\n`));
    expect(result.problems).toContainEqual(expect.objectContaining({ severity: 'fatal', code: 'too-many-labels', message: expect.stringMatching(/^The label column holds 80 different numbers.*does not predict a number/) }));
  });

  it('labels that differ only in case or spacing are named in a warning', async () => {
    const { result } = await build(blob('text,label\na,Pos\nb,pos \nc,POS\nd,neg\ne,Neg\nf,neutral\n'));
    expect(result.labels).toEqual(['Neg', 'POS', 'Pos', 'neg', 'neutral', 'pos']);
    const w = result.problems.find((p) => p.code === 'labels-differ-in-case');
    expect(w).toMatchObject({ severity: 'warning', message: expect.stringMatching(/^2 group\(s\).*"Neg" \/ "neg".*"POS" \/ "Pos" \/ "pos"/) });
    expect(buildDataset((await build(new Blob([CSV]))).table, map).problems.some((p) => p.code === 'labels-differ-in-case')).toBe(false);
    const numbers = await build(blob('text,label\na,1\nb,1.0\nc,0\n'));
    expect(numbers.result.problems.find((p) => p.code === 'labels-differ-in-case')?.message).toMatch(/number format \("1" \/ "1\.0"\)|number format \("1\.0" \/ "1"\)/);
  });
});

describe('overriding the header guess', () => {
  it('withHeader turns a header into the first data row and back, with its line, nothing parsed again', async () => {
    const t = await parseDelimited(`text,label\n${ROWS.join('\n')}\n`);
    const data = withHeader(t, false);
    expect(data.columns).toEqual(['column 1', 'column 2']);
    expect(data.rows[0]).toEqual(['text', 'label']);
    expect(data.lineNumbers.slice(0, 2)).toEqual([1, 2]);
    expect(buildDataset(data, map).labels).toEqual(['label', 'neg', 'pos']);
    const back = withHeader(data, true);
    expect(back.columns).toEqual(['text', 'label']);
    expect(back.rows).toEqual(t.rows);
    expect(back.lineNumbers).toEqual(t.lineNumbers);
    expect(withHeader(t, true)).toBe(t);
  });

  it('the importer re-reads the table when the mapping says whether the first row is a header', async () => {
    const importer = new Importer();
    const p = await importer.open(blob(`great,neutral\n${ROWS.join('\n')}\n`), 'x.csv', () => undefined);
    expect(p.hasHeader).toBe(true);
    expect(importer.map(p.importId, p.detected).validCount).toBe(4);
    const r = importer.map(p.importId, { ...p.detected, hasHeader: false });
    expect(r.validCount).toBe(5);
    expect(r.table).toMatchObject({ hasHeader: false, columns: ['column 1', 'column 2'], rowCount: 5 });
    expect(r.table.sampleRows[0]).toEqual(['great', 'neutral']);
    expect(r.labels).toEqual(['neg', 'neutral', 'pos']);
  });
});
