// Is the first row a header? A vote over columns, because no single rule holds
// for text datasets (where every column is a string): a numeric column whose first
// cell is not a number, a label-like column whose first cell never recurs, a long
// text column whose first cell is a short name, or a well-known column name all
// vote "header"; a first cell that looks exactly like the data below votes "data".

export interface HeaderGuess {
  hasHeader: boolean;
  reason: string;
}

const KNOWN_NAMES = new Set([
  'text', 'sentence', 'sentence1', 'review', 'content', 'body', 'message', 'comment', 'tweet', 'title',
  'document', 'utterance', 'query', 'question', 'input', 'label', 'labels', 'class', 'category', 'target',
  'sentiment', 'intent', 'topic', 'tag', 'y', 'id',
]);
const SAMPLE_ROWS = 2000;
const NUMBER = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?%?$/;

export function isNumeric(value: string): boolean {
  return NUMBER.test(value.trim());
}

export function guessHeader(rows: string[][]): HeaderGuess {
  const first = rows[0];
  if (!first) return { hasHeader: false, reason: 'the file has no rows' };
  const cells = first.map((c) => c.trim());
  if (cells.some((c) => c.length > 64)) {
    return { hasHeader: false, reason: 'the first row has a cell longer than 64 characters, which reads as data, not a column name' };
  }
  const known = cells.filter((c) => KNOWN_NAMES.has(c.toLowerCase()));
  if (known.length > 0) {
    return { hasHeader: true, reason: `the first row contains the column name(s) ${known.map((k) => `"${k}"`).join(', ')}` };
  }
  const rest = rows.slice(1, SAMPLE_ROWS + 1);
  if (rest.length === 0) {
    const looksLikeNames = cells.every((c) => c !== '' && !isNumeric(c));
    return looksLikeNames
      ? { hasHeader: true, reason: 'the only row has short, non-numeric cells, read as column names' }
      : { hasHeader: false, reason: 'the only row contains numbers or empty cells, read as data' };
  }

  const forHeader: string[] = [];
  const forData: string[] = [];
  cells.forEach((cell, col) => {
    const values = rest.map((r) => (r[col] ?? '').trim()).filter((v) => v !== '');
    if (values.length === 0) return;
    const name = `column ${col + 1}`;
    const numericShare = values.filter(isNumeric).length / values.length;
    if (numericShare >= 0.9) {
      if (isNumeric(cell)) forData.push(`${name}'s first cell is a number like the rest`);
      else forHeader.push(`${name} is numeric but its first cell "${cell}" is not`);
      return;
    }
    const distinct = new Set(values);
    const labelLike = distinct.size <= Math.max(2, values.length / 2);
    if (labelLike) {
      if (distinct.has(cell)) forData.push(`${name}'s first cell "${cell}" recurs as a value`);
      else forHeader.push(`${name} repeats a few values and its first cell "${cell}" is not one of them`);
      return;
    }
    const meanLength = values.reduce((s, v) => s + v.length, 0) / values.length;
    if (cell.length <= 32 && cell.length < 0.3 * meanLength) {
      forHeader.push(`${name}'s first cell "${cell}" is much shorter than its values (mean ${meanLength.toFixed(0)} characters)`);
    } else if (cell.split(/\s+/).length >= 3 && cell.length >= 0.5 * meanLength) {
      // A sentence as long as the texts below is a text, not a column name: without this vote, a
      // header-less file whose first label occurs once lost its first row to the "header".
      forData.push(`${name}'s first cell reads like its values (a sentence as long as them)`);
    }
  });
  if (forHeader.length > forData.length) return { hasHeader: true, reason: forHeader.join('; ') };
  if (forData.length > 0) return { hasHeader: false, reason: forData.join('; ') };
  return { hasHeader: false, reason: 'nothing in the first row distinguishes it from the data' };
}
