// Turns a parsed table + column mapping into training rows. Every row ends up in
// exactly one of `rows` or `rejected` (with its line and reason), so the validation
// report can account for the whole file.
import type { ParsedTable } from './csv';

export interface DatasetRow {
  text: string;
  label: string;
  line: number;
}

export interface RejectedRow {
  line: number;
  reason: string;
  raw: string;
}

export type DatasetProblemCode =
  | 'empty-file'
  | 'header-only'
  | 'no-text-column'
  | 'no-label-column'
  | 'no-valid-rows'
  | 'one-label'
  | 'too-many-labels'
  | 'few-rows-per-label'
  | 'conflicting-labels';

export interface DatasetProblem {
  severity: 'fatal' | 'warning';
  code: DatasetProblemCode;
  message: string;
  /** The labels concerned, where the problem is about specific labels. */
  labels?: string[];
}

export interface DatasetBuildResult {
  rows: DatasetRow[];
  rejected: RejectedRow[];
  /** Sorted; a label's index here is its class id. */
  labels: string[];
  labelCounts: Record<string, number>;
  problems: DatasetProblem[];
}

export interface ColumnMapping {
  textColumn: number;
  labelColumn: number;
}

export interface BuildOptions {
  /** More classes than this is fatal. Default 50. */
  maxLabels?: number;
  /** Physical lines with invalid UTF-8 (from decodeUtf8Strict). */
  invalidUtf8Lines?: number[];
}

export const DEFAULT_MAX_LABELS = 50;
export const MIN_ROWS_PER_LABEL = 3;

const ASCII = /^[\x00-\x7f]*$/;

/** Duplicate detection ignores case, Unicode compatibility forms and whitespace runs. */
export function normaliseText(text: string): string {
  // NFKC is the slow step and a no-op on ASCII, which most rows are.
  const nfkc = ASCII.test(text) ? text : text.normalize('NFKC');
  return nfkc.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Duplicate policy: the first occurrence of a normalised text is kept. A later row
 * with the same label is rejected as "duplicate of line K"; a later row with a
 * *different* label is rejected as "conflicting label with line K" (K = the kept
 * row) and a 'conflicting-labels' warning names the kept lines, since the kept
 * label may be the wrong one. Keeping the first rather than dropping every copy
 * means a file never loses a text entirely because of a later typo.
 */
export function buildDataset(table: ParsedTable, mapping: ColumnMapping, opts: BuildOptions = {}): DatasetBuildResult {
  const maxLabels = opts.maxLabels ?? DEFAULT_MAX_LABELS;
  const result: DatasetBuildResult = { rows: [], rejected: [], labels: [], labelCounts: {}, problems: [] };
  const fatal = (code: DatasetProblemCode, message: string): DatasetBuildResult => {
    result.problems.push({ severity: 'fatal', code, message });
    return result;
  };

  if (table.rows.length === 0) {
    return table.hasHeader
      ? fatal('header-only', 'The file has a header row but no data rows.')
      : fatal('empty-file', 'The file is empty: no rows were found.');
  }
  const width = table.columns.length;
  const { textColumn, labelColumn } = mapping;
  if (!Number.isInteger(textColumn) || textColumn < 0 || textColumn >= width) {
    return fatal('no-text-column', `No text column is selected (textColumn = ${textColumn}; the file has ${width} column(s)).`);
  }
  if (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= width) {
    return fatal('no-label-column', `No label column is selected (labelColumn = ${labelColumn}; the file has ${width} column(s)).`);
  }
  if (textColumn === labelColumn) {
    return fatal('no-label-column', `The text and label columns are the same column (${textColumn}); pick two different columns.`);
  }

  const rowOfInvalidLine = invalidRows(table, [...(opts.invalidUtf8Lines ?? []), ...(table.invalidUtf8Lines ?? [])]);
  const firstByText = new Map<string, DatasetRow>();
  const conflictedLines = new Set<number>();
  table.rows.forEach((row, i) => {
    const line = table.lineNumbers[i]!;
    const reject = (reason: string): void => {
      result.rejected.push({ line, reason, raw: row.join(table.delimiter) });
    };
    if (rowOfInvalidLine.has(i)) return reject('invalid UTF-8');
    if (row.length !== width) return reject(`ragged row (expected ${width} fields, got ${row.length})`);
    const text = row[textColumn]!.trim();
    const label = row[labelColumn]!.trim();
    if (text === '') return reject('empty text');
    if (label === '') return reject('missing label');
    const key = normaliseText(text);
    const first = firstByText.get(key);
    if (first) {
      if (first.label === label) return reject(`duplicate of line ${first.line}`);
      conflictedLines.add(first.line);
      return reject(`conflicting label with line ${first.line}`);
    }
    const kept = { text, label, line };
    firstByText.set(key, kept);
    result.rows.push(kept);
    result.labelCounts[label] = (result.labelCounts[label] ?? 0) + 1;
  });

  result.labels = sortLabels(Object.keys(result.labelCounts));
  addLabelProblems(result, maxLabels, conflictedLines);
  return result;
}

/** Maps invalid physical lines to the row that spans them (a row spans up to the next row's start). */
function invalidRows(table: ParsedTable, lines: number[]): Set<number> {
  const out = new Set<number>();
  const starts = table.lineNumbers;
  for (const line of lines) {
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= line) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found >= 0) out.add(found);
  }
  return out;
}

/** Numeric labels ("2" < "10") sort as numbers; anything else by code unit, which is locale-independent. */
export function sortLabels(labels: string[]): string[] {
  const allNumeric = labels.length > 0 && labels.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return [...labels].sort(allNumeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function addLabelProblems(result: DatasetBuildResult, maxLabels: number, conflictedLines: Set<number>): void {
  const { labels, labelCounts, problems } = result;
  if (result.rows.length === 0) {
    problems.push({ severity: 'fatal', code: 'no-valid-rows', message: `None of the ${result.rejected.length} rows is usable; see the rejected rows for the reasons.` });
    return;
  }
  if (labels.length === 1) {
    problems.push({
      severity: 'fatal',
      code: 'one-label',
      message: `Every row has the label "${labels[0]}"; a classifier needs at least 2 different labels.`,
      labels: [...labels],
    });
  }
  if (labels.length > maxLabels) {
    problems.push({
      severity: 'fatal',
      code: 'too-many-labels',
      message:
        `The label column has ${labels.length} different labels; the limit is ${maxLabels}. A head with that many classes, ` +
        `trained from a few rows per class, does not learn anything meaningful here. Group related labels into broader ` +
        `categories, or check that the right column is selected as the label.`,
    });
  }
  const few = labels.filter((l) => labelCounts[l]! < MIN_ROWS_PER_LABEL);
  if (few.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'few-rows-per-label',
      message: `${few.length} label(s) have fewer than ${MIN_ROWS_PER_LABEL} rows (${few.map((l) => `"${l}": ${labelCounts[l]}`).join(', ')}); their results will be unreliable.`,
      labels: few,
    });
  }
  if (conflictedLines.size > 0) {
    const lines = [...conflictedLines].sort((a, b) => a - b);
    problems.push({
      severity: 'warning',
      code: 'conflicting-labels',
      message: `${lines.length} text(s) appear again later with a different label; the first label was kept (lines ${lines.slice(0, 20).join(', ')}${lines.length > 20 ? ', …' : ''}). Check that it is the right one.`,
    });
  }
}

/** The rejected rows as CSV (line,reason,raw) for download; RFC 4180 quoting, CRLF line ends. */
export function rejectedToCsv(rejected: RejectedRow[]): string {
  const out = ['line,reason,raw'];
  for (const r of rejected) out.push([String(r.line), csvField(r.reason), csvField(r.raw)].join(','));
  return out.join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
