// Suggests which column holds the text and which the label, with the reasons shown
// to the user next to the pre-filled column pickers (the user can always override).
import type { ParsedTable } from './csv';
import { isNumeric } from './header';
import { DEFAULT_MAX_LABELS } from './validate';

export interface ColumnGuess {
  /** -1 when no column qualifies. */
  textColumn: number;
  /** -1 when no column qualifies. */
  labelColumn: number;
  reasons: string[];
}

export interface ColumnStats {
  meanLength: number;
  distinct: number;
  nonEmpty: number;
  numericShare: number;
}

const SAMPLE_ROWS = 5000;
const MAX_LABEL_LENGTH = 40;

// Header names that say what a column is. A header the user wrote outranks the statistics: a
// "text" column of numbers (product codes, amounts) with a "label" column beside it was read the
// other way round and all but one row per number rejected as "conflicting label".
// In order of preference when several columns carry such names.
const TEXT_NAMES = ['text', 'sentence', 'sentence1', 'review', 'content', 'body', 'message', 'comment', 'tweet', 'document', 'utterance', 'query', 'question', 'input'];
const LABEL_NAMES = ['label', 'labels', 'class', 'category', 'target', 'sentiment', 'intent', 'topic', 'tag', 'y'];

/** The column a header names (first of `names` found, not `except`), or -1; an empty one counts as unnamed. */
function namedColumn(table: ParsedTable, stats: ColumnStats[], names: readonly string[], except: number): number {
  if (!table.hasHeader) return -1;
  const lower = table.columns.map((c) => c.trim().toLowerCase());
  for (const n of names) {
    const c = lower.findIndex((x, i) => x === n && i !== except);
    if (c >= 0) return stats[c]!.nonEmpty > 0 ? c : -1;
  }
  return -1;
}

export function columnStats(table: ParsedTable, column: number): ColumnStats {
  const values: string[] = [];
  for (const row of table.rows.slice(0, SAMPLE_ROWS)) {
    const v = (row[column] ?? '').trim();
    if (v !== '') values.push(v);
  }
  const n = values.length;
  return {
    meanLength: n === 0 ? 0 : values.reduce((s, v) => s + v.length, 0) / n,
    distinct: new Set(values).size,
    nonEmpty: n,
    numericShare: n === 0 ? 0 : values.filter(isNumeric).length / n,
  };
}

export function detectColumns(table: ParsedTable, opts: { maxLabels?: number } = {}): ColumnGuess {
  const maxLabels = opts.maxLabels ?? DEFAULT_MAX_LABELS;
  const stats = table.columns.map((_, c) => columnStats(table, c));
  const name = (c: number): string => `"${table.columns[c]}"`;
  const reasons: string[] = [];

  // Text: the column named so, else a mostly non-numeric column; longer and more varied values score higher.
  let textColumn = namedColumn(table, stats, TEXT_NAMES, -1);
  const textNamed = textColumn >= 0;
  let bestScore = 0;
  if (!textNamed) stats.forEach((s, c) => {
    if (s.nonEmpty === 0 || s.numericShare > 0.5) return;
    const score = s.meanLength * (0.5 + 0.5 * (s.distinct / s.nonEmpty));
    if (score > bestScore) {
      bestScore = score;
      textColumn = c;
    }
  });
  if (textNamed) {
    reasons.push(`text: the column is named ${name(textColumn)}`);
  } else if (textColumn >= 0) {
    const s = stats[textColumn]!;
    reasons.push(`text: ${name(textColumn)} has the longest, most varied values (mean ${s.meanLength.toFixed(0)} characters, ${s.distinct} distinct)`);
  } else {
    reasons.push('text: no column holds non-numeric values');
  }

  // Label: the column named so, else 2..maxLabels distinct short values; among those, the fewest
  // distinct values wins. A named column is taken whatever its values: if they cannot be labels,
  // the import report says why in the user's own column's name.
  let labelColumn = namedColumn(table, stats, LABEL_NAMES, textColumn);
  const labelNamed = labelColumn >= 0;
  if (!labelNamed) stats.forEach((s, c) => {
    if (c === textColumn || s.distinct < 2 || s.distinct > maxLabels || s.meanLength > MAX_LABEL_LENGTH) return;
    if (s.distinct === s.nonEmpty) return; // every value unique: an id, not a label
    if (labelColumn < 0 || s.distinct < stats[labelColumn]!.distinct) labelColumn = c;
  });
  if (labelNamed) {
    reasons.push(`label: the column is named ${name(labelColumn)}`);
  } else if (labelColumn >= 0) {
    const s = stats[labelColumn]!;
    reasons.push(`label: ${name(labelColumn)} has ${s.distinct} distinct short values (mean ${s.meanLength.toFixed(0)} characters)`);
  } else {
    reasons.push(`label: no other column has between 2 and ${maxLabels} distinct short values`);
  }
  return { textColumn, labelColumn, reasons };
}
