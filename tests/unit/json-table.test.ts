import { describe, expect, it } from 'vitest';
import { parseDelimited } from '../../src/core/data/csv';
import { detectColumns } from '../../src/core/data/detect';
import { buildDataset } from '../../src/core/data/validate';
import { readJsonTable } from '../../src/core/data/json-table';

const records = [
  { text: 'Great phone, works "perfectly"', label: 'pos' },
  { text: 'Broke after a day.\nUseless.', label: 'neg' },
  { text: 'Fine, nothing special', label: 'pos' },
  { text: 'Terrible battery', label: 'neg' },
];

async function imported(text: string) {
  const table = await parseDelimited(new Blob([text]));
  const guess = detectColumns(table);
  return { table, guess, build: buildDataset(table, { textColumn: guess.textColumn, labelColumn: guess.labelColumn }) };
}

describe('JSON Lines', () => {
  it('reads one record per line: field names are the columns, physical lines are kept (blank lines skipped)', async () => {
    const text = [JSON.stringify(records[0]), '', JSON.stringify(records[1]), JSON.stringify(records[2]), '  ', JSON.stringify(records[3]), ''].join('\n');
    const { table, guess, build } = await imported(text);
    expect(table.format).toBe('json-lines');
    expect(table.columns).toEqual(['text', 'label']);
    expect(table.lineNumbers).toEqual([1, 3, 4, 6]);
    expect([guess.textColumn, guess.labelColumn]).toEqual([0, 1]);
    expect(build.rows.map((r) => [r.text, r.label, r.line])).toEqual([
      ['Great phone, works "perfectly"', 'pos', 1],
      ['Broke after a day.\nUseless.', 'neg', 3],
      ['Fine, nothing special', 'pos', 4],
      ['Terrible battery', 'neg', 6],
    ]);
    expect(build.rejected).toEqual([]);
  });

  it('a broken line or a line that is not a record is rejected with its line and reason; every other row is kept', async () => {
    const text = [JSON.stringify(records[0]), '{"text": "cut short', JSON.stringify(records[1]), '["a", "list"]', '"just a string"', JSON.stringify(records[2]), JSON.stringify(records[3])].join('\n');
    const { table, build } = await imported(text);
    expect(table.format).toBe('json-lines');
    expect(build.rows.map((r) => r.line)).toEqual([1, 3, 6, 7]);
    expect(build.rejected.map((r) => [r.line, r.reason.replace(/ \(.*\)$/, '')])).toEqual([
      [2, 'not valid JSON'],
      [4, 'not a record with named fields but a list'],
      [5, 'not a record with named fields but a string'],
    ]);
    expect(build.rejected[0]!.raw).toBe('{"text": "cut short');
  });

  it('reads JSON Lines whose first line is broken', async () => {
    const text = ['{"text": oops', ...records.map((r) => JSON.stringify(r))].join('\n');
    const { build } = await imported(text);
    expect(build.rows).toHaveLength(4);
    expect(build.rejected.map((r) => r.line)).toEqual([1]);
  });

  it('missing fields are empty, numbers and booleans read as written, null as empty, nested values as JSON', () => {
    const t = readJsonTable(['{"id": 1, "text": "a", "label": 0}', '{"text": "b", "label": 1, "ok": true, "tags": ["x", "y"], "meta": null}'].join('\n'))!;
    expect(t.columns).toEqual(['id', 'text', 'label', 'ok', 'tags', 'meta']);
    expect(t.rows).toEqual([
      ['1', 'a', '0', '', '', ''],
      ['', 'b', '1', 'true', '["x","y"]', ''],
    ]);
  });
});

describe('multi-label records', () => {
  it('labels that are lists ("labels": ["pos", "fun"]) get a warning naming what happens; one-element lists and plain labels do not', async () => {
    const rows = [
      { text: 'fun and good', labels: ['pos', 'fun'] },
      { text: 'just good', labels: ['pos'] },
      { text: 'bad', labels: ['neg'] },
      { text: 'bad but fun', labels: ['neg', 'fun'] },
      { text: 'fine', labels: ['pos'] },
    ];
    const { build } = await imported(rows.map((r) => JSON.stringify(r)).join('\n'));
    expect(build.rows).toHaveLength(5);
    const w = build.problems.find((p) => p.code === 'list-labels');
    expect(w?.severity).toBe('warning');
    expect(w?.message).toMatch(/^2 label\(s\) are lists of several labels \(such as \["neg","fun"\]\): TextTune gives each text one label/);
    const plain = await imported(records.map((r) => JSON.stringify(r)).join('\n'));
    expect(plain.build.problems.some((p) => p.code === 'list-labels')).toBe(false);
  });
});

describe('JSON arrays', () => {
  it('a pretty-printed array of records: each row keeps the line its record starts on', async () => {
    const text = JSON.stringify(records, null, 2);
    const { table, build } = await imported(text);
    expect(table.format).toBe('json-array');
    // "[", then 4 lines per record ({, text, label, }).
    expect(table.lineNumbers).toEqual([2, 6, 10, 14]);
    expect(build.rows.map((r) => r.text)).toEqual(records.map((r) => r.text));
  });

  it('a one-line array, and {"train": [...]} (one list of records inside an object)', () => {
    expect(readJsonTable(JSON.stringify(records))!.rows).toHaveLength(4);
    const wrapped = readJsonTable(JSON.stringify({ version: 1, train: records }, null, 1))!;
    expect(wrapped.rows.map((r) => r[0])).toEqual(records.map((r) => r.text));
  });

  it('{"train": [...]} on one line (json.dump\'s default) is the list, not one JSON Lines record; with splits, "train" is read and the others named', async () => {
    const oneLine = await imported(JSON.stringify({ train: records }));
    expect(oneLine.table.format).toBe('json-array');
    expect(oneLine.build.rows.map((r) => r.text)).toEqual(records.map((r) => r.text));
    expect(oneLine.table.headerReason).toMatch(/the list "train"/);
    for (const text of [JSON.stringify({ test: records.slice(0, 2), train: records }), JSON.stringify({ test: records.slice(0, 2), train: records }, null, 2)]) {
      const { table, build } = await imported(text);
      expect(build.rows).toHaveLength(4);
      expect(table.headerReason).toMatch(/"train".*not read: "test" \(2 records\)/);
    }
    await expect(parseDelimited(new Blob([JSON.stringify({ a: records, b: records })]))).rejects.toMatchObject({ code: 'not-text', message: expect.stringMatching(/2 lists of records \("a", 4; "b", 4\) and none is named "train"/) });
    // A one-line JSON Lines file (a single record) stays a record.
    expect(readJsonTable(JSON.stringify(records[0]))!.rows).toEqual([[records[0]!.text, 'pos']]);
  });

  it('a JSON file without records is refused with what TextTune reads', async () => {
    await expect(parseDelimited(new Blob([JSON.stringify({ a: 1, b: 'x' }, null, 2)]))).rejects.toMatchObject({ code: 'not-text', message: expect.stringMatching(/holds an object with 2 field\(s\), not a list of records.*JSON Lines/) });
    await expect(parseDelimited(new Blob(['[]']))).rejects.toMatchObject({ code: 'not-text', message: expect.stringMatching(/empty list/) });
    // A list without a single record: refused, instead of a review of "3 rows · 0 columns" with nothing rejected.
    await expect(parseDelimited(new Blob(['[1, 2, 3]']))).rejects.toMatchObject({ code: 'not-text', message: expect.stringMatching(/list of 3 value\(s\) such as a number, not records/) });
    await expect(parseDelimited(new Blob(['[\n  "a",\n  "b"\n]']))).rejects.toMatchObject({ code: 'not-text', message: expect.stringMatching(/such as a string/) });
  });

  it('array elements with brackets, braces and escaped quotes inside strings keep their lines', () => {
    const tricky = [{ text: 'a ] tricky } one, with "quotes" and \\ backslash', label: 'x' }, { text: '[not] {nested}', label: 'y' }];
    const t = readJsonTable(JSON.stringify(tricky, null, 2))!;
    expect(t.lineNumbers).toEqual([2, 6]);
    expect(t.rows.map((r) => r[0])).toEqual(tricky.map((r) => r.text));
  });
});

describe('JSON that cannot be trained on', () => {
  it('records with one field are told to add a label field, not to change the delimiter', async () => {
    const { build } = await imported(records.map((r) => JSON.stringify({ text: r.text })).join('\n'));
    const fatal = build.problems.find((p) => p.severity === 'fatal');
    expect(fatal?.message).toBe('The records have only one field ("text"); a classifier needs a text and a label for each: add a field such as "label" to every record.');
  });
});

describe('broken JSON', () => {
  it('a pretty-printed array with a trailing comma or a cut-off end is refused as broken JSON, not read as a CSV column named "["', async () => {
    const pretty = JSON.stringify(records, null, 2);
    await expect(parseDelimited(new Blob([pretty.replace(/\n\]$/, ',\n]')]))).rejects.toMatchObject({
      code: 'not-text',
      message: expect.stringMatching(/^This file starts like JSON but is not valid JSON, so nothing was read\. A comma before a closing bracket/),
    });
    await expect(parseDelimited(new Blob([pretty.slice(0, 120)]))).rejects.toMatchObject({ message: expect.stringMatching(/not valid JSON.*cut off/) });
    await expect(parseDelimited(new Blob([JSON.stringify({ train: records }, null, 2).replace('"pos"', '"pos" "x"')]))).rejects.toMatchObject({ message: expect.stringMatching(/not valid JSON near line 5,/) });
  });
});

describe('not JSON', () => {
  it('CSV rows that start with a bracket or brace stay CSV', () => {
    expect(readJsonTable('[draft] first,pos\n{x} second,neg\nthird,pos\n')).toBeNull();
    expect(readJsonTable('text,label\nhello,pos\n')).toBeNull();
  });
});
