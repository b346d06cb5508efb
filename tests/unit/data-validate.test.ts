import { describe, expect, it } from 'vitest';
import { parseDelimited } from '../../src/core/data/csv';
import { detectColumns } from '../../src/core/data/detect';
import { buildDataset, DEFAULT_MAX_LABELS, normaliseText, rejectedToCsv, sortLabels } from '../../src/core/data/validate';
import Papa from 'papaparse';

const map = { textColumn: 0, labelColumn: 1 };

describe('buildDataset', () => {
  it('keeps rows without a label as unlabelled, once each, and never as training rows', async () => {
    const csv = [
      'text,label', // 1
      'unsure one,', // 2 unlabelled
      'Good movie,pos', // 3
      'UNSURE   one,', // 4 duplicate of 2
      'good movie,', // 5 duplicate of 3 (labelled)
      'later labelled,', // 6 unlabelled, then labelled on 7: the labelled copy stays
      'later labelled,neg', // 7
      'Nice,pos', 'Great,pos', 'Meh,neg', 'Awful,neg', // 8-11
    ].join('\n');
    const r = buildDataset(await parseDelimited(csv), map);
    expect(r.unlabelled).toEqual([{ text: 'unsure one', line: 2 }]);
    expect(r.rows.map((x) => x.line)).toEqual([3, 7, 8, 9, 10, 11]);
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [4, 'duplicate of line 2'],
      [5, 'duplicate of line 3'],
      [6, 'duplicate of line 7'],
    ]);
    expect(r.rejected[2]!.raw).toBe('later labelled,');
    expect(r.labelCounts).toEqual(new Map([['pos', 3], ['neg', 3]]));
  });

  it('keeps every valid row and rejects every other row with its line and reason', async () => {
    const csv = [
      'text,label', // 1
      'Good movie,pos', // 2 kept
      ',neg', // 3 empty text
      'Bad movie,', // 4 no label: kept as unlabelled
      'too,many,fields', // 5 ragged
      'good   MOVIE,pos', // 6 duplicate of 2 (normalised)
      'Good movie,neg', // 7 conflicting with 2
      'Fine movie,neg', // 8 kept
      'Nice,pos', // 9 kept
      'Meh,neg', // 10 kept
      'Great,pos', // 11 kept
      'Awful,neg', // 12 kept
    ].join('\n');
    const table = await parseDelimited(csv);
    const r = buildDataset(table, map);
    expect(r.rows.map((x) => x.line)).toEqual([2, 8, 9, 10, 11, 12]);
    expect(r.rows[0]).toEqual({ text: 'Good movie', label: 'pos', line: 2 });
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [3, 'empty text'],
      [5, '3 fields where the header has 2: a comma inside a text that is not in double quotes? Quote the text ("like, this")'],
      [6, 'duplicate of line 2'],
      [7, 'conflicting label with line 2'],
    ]);
    expect(r.unlabelled).toEqual([{ text: 'Bad movie', line: 4 }]);
    expect(r.rows.length + r.rejected.length + r.unlabelled.length).toBe(table.rows.length);
    expect(r.rejected[1]!.raw).toBe('too,many,fields');
    expect(r.labels).toEqual(['neg', 'pos']);
    expect(r.labelCounts).toEqual(new Map([['pos', 3], ['neg', 3]]));
    expect(r.problems.map((p) => [p.severity, p.code])).toEqual([['warning', 'conflicting-labels']]);
    expect(r.problems[0]!.message).toMatch(/lines 2\b/);
  });

  it('rejects rows spanning an invalid UTF-8 line, including continuation lines of quoted fields', async () => {
    const table = await parseDelimited('text,label\n"a\nb",x\nc,y\nd,x\n');
    const r = buildDataset(table, map, { invalidUtf8Lines: [3] });
    expect(r.rejected).toEqual([{ line: 2, reason: 'invalid UTF-8', raw: 'a\nb,x' }]);
    expect(r.rows.map((x) => x.text)).toEqual(['c', 'd']);
  });

  it('reports empty-file and header-only as fatal', async () => {
    expect(buildDataset(await parseDelimited(''), map).problems).toMatchObject([{ severity: 'fatal', code: 'empty-file' }]);
    expect(buildDataset(await parseDelimited('text,label\n'), map).problems).toMatchObject([{ severity: 'fatal', code: 'header-only' }]);
  });

  it('reports a missing text or label column naming the value received', async () => {
    const table = await parseDelimited('text,label\na,b\n');
    const noText = buildDataset(table, { textColumn: -1, labelColumn: 1 });
    expect(noText.problems[0]).toMatchObject({ code: 'no-text-column', message: expect.stringMatching(/^No text column is selected; pick the column that holds the texts/) });
    const same = buildDataset(table, { textColumn: 1, labelColumn: 1 });
    expect(same.problems[0]!.code).toBe('no-label-column');
  });

  it('is fatal with one label and warns about labels with fewer than 3 rows', async () => {
    const one = buildDataset(await parseDelimited('text,label\na,x\nb,x\nc,x\n'), map);
    expect(one.problems).toMatchObject([{ severity: 'fatal', code: 'one-label', labels: ['x'] }]);
    const few = buildDataset(await parseDelimited('text,label\na,x\nb,x\nc,x\nd,y\n'), map);
    expect(few.problems).toMatchObject([{ severity: 'warning', code: 'few-rows-per-label', labels: ['y'] }]);
    expect(few.problems[0]!.message).not.toMatch(/cannot check/);
    // One row per label: Train has nothing to hold out and refuses; the review says so before saving.
    const single = buildDataset(await parseDelimited('text,label\nhello there,a\nbye now,b\nsee you,c\n'), map);
    expect(single.problems).toMatchObject([{ severity: 'warning', code: 'few-rows-per-label' }]);
    expect(single.problems[0]!.message).toMatch(/No label has 2 rows: Train needs one to learn from and one to check the model on/);
  });

  it('is fatal above the label limit (200) and explains why', async () => {
    expect(DEFAULT_MAX_LABELS).toBe(200);
    const lines = ['text,label'];
    for (let i = 0; i < 210; i++) lines.push(`text ${i},label${i}`);
    const table = await parseDelimited(lines.join('\n'));
    const r = buildDataset(table, map);
    const p = r.problems.find((x) => x.code === 'too-many-labels');
    expect(p?.severity).toBe('fatal');
    expect(p?.message).toMatch(/210 different labels; the limit is 200/);
    expect(p?.message).toMatch(/Group related labels/);
    expect(buildDataset(table, map, { maxLabels: 210 }).problems.some((x) => x.code === 'too-many-labels')).toBe(false);
  });

  it('takes 150 intents (named or numbered 0..149) with 2 to 5 rows each; the thin ones are warned about', async () => {
    for (const name of [(c: number) => `intent_${c}`, (c: number) => String(c)]) {
      const lines = ['text,label'];
      for (let c = 0; c < 150; c++) for (let r = 0; r < 2 + (c % 4); r++) lines.push(`how do i do thing ${c} way ${r},${name(c)}`);
      const table = await parseDelimited(lines.join('\n'));
      const r = buildDataset(table, map);
      expect(r.labels).toHaveLength(150);
      expect(r.problems.filter((x) => x.severity === 'fatal')).toEqual([]);
      const few = r.problems.find((x) => x.code === 'few-rows-per-label');
      expect(few?.labels).toHaveLength(38); // the labels with 2 rows (c % 4 = 0)
      // Detection proposes the 150-value column as the label when nothing is named so.
      const unnamed = await parseDelimited(lines.join('\n').replace('text,label', 'utterance,intent_id'));
      expect(detectColumns(unnamed)).toMatchObject({ textColumn: 0, labelColumn: 1 });
    }
  });

  it('reads many distinct fractions as a score even below the label limit; many whole numbers above it too', async () => {
    const fractions = ['text,label', ...Array.from({ length: 60 }, (_, i) => `text ${i},${(i * 0.37).toFixed(2)}`)];
    const p = buildDataset(await parseDelimited(fractions.join('\n')), map).problems.find((x) => x.code === 'too-many-labels');
    expect(p?.message).toMatch(/^The label column holds 60 different numbers; the limit is 50 when some are fractions labels.*does not predict a number/);
    const ints = ['text,label', ...Array.from({ length: 250 }, (_, i) => `text ${i},${i}`)];
    const q = buildDataset(await parseDelimited(ints.join('\n')), map).problems.find((x) => x.code === 'too-many-labels');
    expect(q?.message).toMatch(/^The label column holds 250 different numbers; the limit is 200 labels.*does not predict a number/);
  });

  it('is fatal when no row survives', async () => {
    const r = buildDataset(await parseDelimited('text,label\n,a\n,b\n'), map);
    expect(r.problems).toMatchObject([{ severity: 'fatal', code: 'no-valid-rows' }]);
  });
});

describe('normaliseText', () => {
  it('folds case, whitespace runs and Unicode compatibility forms', () => {
    expect(normaliseText('  Ｇｒｅａｔ\u00a0\t MOVIE ')).toBe('great movie');
    expect(normaliseText('ﬁne')).toBe('fine');
  });
});

describe('sortLabels', () => {
  it('sorts numeric labels numerically and others by code unit', () => {
    expect(sortLabels(['10', '2', '1'])).toEqual(['1', '2', '10']);
    expect(sortLabels(['b', 'B', 'a'])).toEqual(['B', 'a', 'b']);
  });
});

describe('rejectedToCsv', () => {
  it('writes line,reason,raw with quoting that round-trips through a CSV parser', () => {
    const rejected = [
      { line: 3, reason: 'empty text', raw: ',neg' },
      { line: 7, reason: '3 fields where the header has 2: a comma inside a text that is not in double quotes? Quote the text ("like, this")', raw: 'say "hi"\nthere,a,b' },
    ];
    const csv = rejectedToCsv(rejected);
    expect(csv.startsWith('line,reason,raw\r\n')).toBe(true);
    const back = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data;
    expect(back).toEqual([
      ['line', 'reason', 'raw'],
      ['3', 'empty text', ',neg'],
      ['7', '3 fields where the header has 2: a comma inside a text that is not in double quotes? Quote the text ("like, this")', 'say "hi"\nthere,a,b'],
    ]);
  });
});

describe('detectColumns', () => {
  it('picks the long varied column as text and the few-valued short column as label', async () => {
    const lines = ['id,label,review,score'];
    for (let i = 0; i < 30; i++) lines.push(`${i},${['pos', 'neg', 'neutral'][i % 3]},"this is review number ${i}, quite long",${i % 5}`);
    const g = detectColumns(await parseDelimited(lines.join('\n')));
    expect(g.textColumn).toBe(2);
    expect(g.labelColumn).toBe(1);
    expect(g.reasons[0]).toMatch(/"review"/);
    expect(g.reasons[1]).toMatch(/named "label"/);
    // Without telling names, the statistics decide: the long varied column, the few-valued one.
    const plain = ['a,b,c,d', ...lines.slice(1)];
    const s = detectColumns(await parseDelimited(plain.join('\n')));
    expect(s).toMatchObject({ textColumn: 2, labelColumn: 1 });
    expect(s.reasons[1]).toMatch(/"b" has 3 distinct/);
  });

  it('follows the header names over the statistics: a "text" column of numbers is the text', async () => {
    // Numbers as texts (amounts, codes) with a word label: by statistics the label column looked
    // like the text and the numbers like 80 labels, so all but one row per number was rejected.
    const lines = ['text,label'];
    for (let i = 0; i < 80; i++) lines.push(`${i * 37 + 1000},${i % 2 ? 'big' : 'small'}`);
    const table = await parseDelimited(lines.join('\n'));
    const g = detectColumns(table);
    expect(g).toMatchObject({ textColumn: 0, labelColumn: 1 });
    expect(g.reasons.join(' ')).toMatch(/named "text"/);
    const built = buildDataset(table, { textColumn: g.textColumn, labelColumn: g.labelColumn });
    expect(built.rows.length).toBe(80);
    expect(built.labels).toEqual(['big', 'small']);
    // Named in another order and case, with another column first.
    const t2 = await parseDelimited('Category,id,Review\npos,1,good\nneg,2,bad\npos,3,fine\n');
    expect(detectColumns(t2)).toMatchObject({ textColumn: 2, labelColumn: 0 });
  });

  it('accepts a numeric label column and returns -1 when nothing qualifies', async () => {
    const g = detectColumns(await parseDelimited('text,y\nsome text here,0\nother text there,1\nmore text,1\n'));
    expect(g).toMatchObject({ textColumn: 0, labelColumn: 1 });
    const single = detectColumns(await parseDelimited('only text\nmore text\n'));
    expect(single.labelColumn).toBe(-1);
    expect(single.reasons[1]).toMatch(/no other column/);
  });
});
