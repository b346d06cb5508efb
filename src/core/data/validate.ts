// Turns a parsed table + column mapping into training rows. Every row ends up in
// exactly one of `rows` or `rejected` (with its line and reason), so the validation
// report can account for the whole file.
import type { ParsedTable } from './csv';
import { listSome } from '../list-some';
import { toCsv } from './csv-write';

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
  | 'conflicting-labels'
  | 'long-texts-cut'
  | 'labels-differ-in-case'
  | 'read-as-windows-1252'
  | 'invalid-utf8'
  | 'literal-quotes'
  | 'list-labels';

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
  /** A Map, not an object: labels such as "__proto__" or "constructor" are ordinary keys here. */
  labelCounts: Map<string, number>;
  /**
   * Rows with a text and an empty label: kept to be labelled later in the app (the model proposes
   * the ones it is least sure about), never trained on until they are.
   */
  unlabelled: { text: string; line: number }[];
  problems: DatasetProblem[];
}

export interface ColumnMapping {
  textColumn: number;
  labelColumn: number;
}

export interface BuildOptions {
  /** More classes than this is fatal. Default DEFAULT_MAX_LABELS. */
  maxLabels?: number;
  /** Physical lines with invalid UTF-8 (from decodeUtf8Strict). */
  invalidUtf8Lines?: number[];
}

/**
 * Intent datasets have 77 (Banking77) to 150 (CLINC150) labels; above 200 a label column is far
 * more often an id or a free-text field than classes, and every label costs n-gram columns under
 * the training's parameter budget (text-model.ts NGRAM_PARAM_BUDGET: 5,242 columns at 200).
 */
export const DEFAULT_MAX_LABELS = 200;
/** More distinct numeric labels than this, some of them not whole numbers, read as a score (fatal). */
export const MAX_FRACTION_LABELS = 50;
export const MIN_ROWS_PER_LABEL = 3;
/**
 * Longer texts are cut to this many characters (with a warning): an encoder reads at most
 * 16 windows of 512 tokens (~65,000 characters), and a 50 MB field drove an import to 2.4 GB.
 */
export const MAX_TEXT_CHARS = 100_000;
/** A longer label is not a label (likely the wrong column): the row is rejected. */
export const MAX_LABEL_CHARS = 200;
/** Rejected rows keep at most this much of their raw line, for the report and its CSV. */
const MAX_RAW_CHARS = 1_000;
/** Messages name at most this many labels or lines, then say how many more. */
const LISTED = 10;

const ASCII = /^\p{ASCII}*$/u;
/** Whitespace and invisible characters (zero-width space/joiners, word joiner, a stray BOM) at either end. */
const EDGES = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g;

/**
 * A cell without what no one typed on purpose: "pos\u200b" (pasted from the web) or a BOM
 * left by joining two files was a label of its own.
 */
export function cleanCell(value: string): string {
  // Fast path (almost every cell): trim() already drops whitespace and U+FEFF.
  const trimmed = value.trim();
  return invisible(trimmed.charCodeAt(0)) || invisible(trimmed.charCodeAt(trimmed.length - 1)) ? value.replace(EDGES, '') : trimmed;
}

function invisible(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060;
}

/** A label as the user meant it: cleaned, and `, "pos"` (a space before the quote, so the quotes were kept) read as pos. */
function cleanLabel(value: string): string {
  const label = cleanCell(value);
  return /^"[^"]*"$/.test(label) ? cleanCell(label.slice(1, -1)) : label;
}

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
  const result: DatasetBuildResult = { rows: [], rejected: [], labels: [], labelCounts: new Map(), unlabelled: [], problems: [] };
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
  // Nothing to pick from: say so, and name the usual cause (an unrecognised delimiter).
  if (width === 1) {
    return fatal(
      'no-label-column',
      table.format
        ? // JSON has no delimiter to fix: the records lack the field.
          `The records have only one field ("${table.columns[0]}"); a classifier needs a text and a label for each: add a field such as "label" to every record.`
        : `The file has only one column ("${table.columns[0]}"); a classifier needs a text column and a label column. If the file has both, separate them with a comma, tab, semicolon or pipe.`,
    );
  }
  if (!Number.isInteger(textColumn) || textColumn < 0 || textColumn >= width) {
    return fatal('no-text-column', `No text column is selected; pick the column that holds the texts (the file has ${width} column${width === 1 ? '' : 's'}).`);
  }
  if (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= width) {
    return fatal('no-label-column', `No label column is selected; pick the column that holds the labels (the file has ${width} column${width === 1 ? '' : 's'}).`);
  }
  if (textColumn === labelColumn) {
    return fatal('no-label-column', `The text and label columns are the same column ("${table.columns[textColumn]}"); pick two different columns.`);
  }

  const rowOfInvalidLine = invalidRows(table, [...(opts.invalidUtf8Lines ?? []), ...(table.invalidUtf8Lines ?? [])]);
  const unclosedQuote = new Set(table.unclosedQuoteLines ?? []);
  const badRecord = new Map((table.badRecords ?? []).map((b) => [b.line, b.reason]));
  const headerText = table.hasHeader ? table.columns[textColumn]! : null;
  const headerLabel = table.hasHeader ? table.columns[labelColumn]! : null;
  const firstByText = new Map<string, DatasetRow>();
  const unlabelledByText = new Map<string, { text: string; line: number }>();
  const conflictedLines = new Set<number>();
  const cutLines: number[] = [];
  const invalidLines: number[] = [];
  const quoteLines: number[] = [];
  table.rows.forEach((row, i) => {
    const line = table.lineNumbers[i]!;
    const reject = (reason: string): void => {
      result.rejected.push({ line, reason, raw: rawLine(row, table.delimiter) });
    };
    if (rowOfInvalidLine.has(i)) {
      invalidLines.push(line);
      return reject('invalid UTF-8');
    }
    const unreadable = badRecord.get(line);
    if (unreadable !== undefined) return reject(unreadable);
    if (unclosedQuote.has(line)) {
      if (row.length !== width) {
        return reject(`a field opens a double quote (") that is not closed properly, and without it the line has ${row.length} field${row.length === 1 ? '' : 's'} where the header has ${width}: close the quote or remove it; the next line was read as a new row`);
      }
      quoteLines.push(line);
    }
    if (row.length !== width) return reject(fieldCountReason(row.length, width, table.delimiter));
    let text = row[textColumn]!;
    if (text.length > MAX_TEXT_CHARS) {
      text = cutText(text, MAX_TEXT_CHARS);
      cutLines.push(line);
    }
    text = cleanCell(text);
    const label = cleanLabel(row[labelColumn]!);
    if (text === '') return reject('empty text');
    // Two exports joined into one file: the second header would train as a text labelled "label".
    if (text === headerText && label === headerLabel) return reject(`repeats the header row ("${headerText}", "${headerLabel}"): were two files joined into one?`);
    // A NUL is binary data, not text; row by row, so one damaged row does not lose the file.
    if (text.includes('\0') || row[labelColumn]!.includes('\0')) return reject('contains a NUL byte (binary data, not text)');
    if (label === '') {
      const key = normaliseText(text);
      const seen = firstByText.get(key) ?? unlabelledByText.get(key);
      if (seen) return reject(`duplicate of line ${seen.line}`);
      const kept = { text, line };
      unlabelledByText.set(key, kept);
      result.unlabelled.push(kept);
      return;
    }
    if (label.length > MAX_LABEL_CHARS) return reject(`label longer than ${MAX_LABEL_CHARS} characters (${label.length}); is the label column the right one?`);
    const key = normaliseText(text);
    const first = firstByText.get(key);
    if (first) {
      if (first.label === label) return reject(`duplicate of line ${first.line}`);
      conflictedLines.add(first.line);
      return reject(`conflicting label with line ${first.line}`);
    }
    const kept = { text, label, line };
    // An earlier unlabelled copy of a labelled text is the same row: the labelled one stays.
    const unlabelledCopy = unlabelledByText.get(key);
    if (unlabelledCopy) {
      unlabelledByText.delete(key);
      result.unlabelled.splice(result.unlabelled.indexOf(unlabelledCopy), 1);
      result.rejected.push({ line: unlabelledCopy.line, reason: `duplicate of line ${line}`, raw: rawLine(table.rows[table.lineNumbers.indexOf(unlabelledCopy.line)]!, table.delimiter) });
    }
    firstByText.set(key, kept);
    result.rows.push(kept);
    result.labelCounts.set(label, (result.labelCounts.get(label) ?? 0) + 1);
  });

  result.rejected.sort((a, b) => a.line - b.line);
  result.labels = sortLabels([...result.labelCounts.keys()]);
  addLabelProblems(result, maxLabels, conflictedLines);
  if (table.encoding === 'windows-1252') {
    result.problems.push({
      severity: 'warning',
      code: 'read-as-windows-1252',
      message:
        'The file is not UTF-8: it was read as Windows-1252 (Latin-1), the encoding of Excel\'s "CSV (Comma delimited)". ' +
        'Check that accented letters look right in the rows below; if they do not, save the file as "CSV UTF-8" and upload it again.',
    });
  }
  if (quoteLines.length > 0) {
    result.problems.push({
      severity: 'warning',
      code: 'literal-quotes',
      message: `${quoteLines.length} row(s) have a field that opens a double quote without closing it properly (${listed(quoteLines.map((l) => `line ${l}`))}); they were read with the quote as an ordinary character. Check that those rows are right.`,
    });
  }
  if (invalidLines.length > 0) {
    result.problems.push({
      severity: 'warning',
      code: 'invalid-utf8',
      message: `${invalidLines.length} row(s) are not valid UTF-8 and were rejected (${listed(invalidLines.map((l) => `line ${l}`))}): the file mixes encodings or was damaged. To keep them, save the file as "CSV UTF-8" and upload it again.`,
    });
  }
  if (cutLines.length > 0) {
    result.problems.push({
      severity: 'warning',
      code: 'long-texts-cut',
      message: `${cutLines.length} text(s) are longer than ${MAX_TEXT_CHARS.toLocaleString('en')} characters and were cut to that length (${listed(cutLines.map((l) => `line ${l}`))}); the encoders read far less than that anyway.`,
    });
  }
  return result;
}

/** The first `max` characters, never splitting a surrogate pair. */
function cutText(text: string, max: number): string {
  const c = text.charCodeAt(max - 1);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

const DELIMITER_WORDS: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

/** Why a row with the wrong number of fields is rejected, and the likely fix, in the user's words. */
export function fieldCountReason(got: number, expected: number, delimiter: string): string {
  const d = DELIMITER_WORDS[delimiter] ?? `"${delimiter}"`;
  return got > expected
    ? `${got} fields where the header has ${expected}: a ${d} inside a text that is not in double quotes? Quote the text ("like, this")`
    : `${got} field${got === 1 ? '' : 's'} where the header has ${expected}: a missing ${d}, or a line cut short?`;
}

function rawLine(row: string[], delimiter: string): string {
  let raw = '';
  for (const f of row) {
    raw += (raw ? delimiter : '') + (f.length > MAX_RAW_CHARS ? f.slice(0, MAX_RAW_CHARS) : f);
    if (raw.length > MAX_RAW_CHARS) return cutText(raw, MAX_RAW_CHARS) + '…';
  }
  return raw;
}

/** "a, b, c" for a short list; the first LISTED and "and N more" for a long one. */
function listed(items: string[]): string {
  return listSome(items, LISTED);
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

/** A label that is a JSON list of two or more labels ('["pos","fun"]'). */
function isLabelList(label: string): boolean {
  if (!label.startsWith('[') || !label.endsWith(']')) return false;
  try {
    const v: unknown = JSON.parse(label);
    return Array.isArray(v) && v.length >= 2 && v.every((x) => typeof x === 'string' || typeof x === 'number');
  } catch {
    return false;
  }
}

function addLabelProblems(result: DatasetBuildResult, maxLabels: number, conflictedLines: Set<number>): void {
  const { labels, labelCounts, problems } = result;
  if (result.rows.length === 0 && result.rejected.length === 0 && result.unlabelled.length > 0) {
    // Was "None of the 0 rows is usable": every row is there, only the labels are missing.
    problems.push({
      severity: 'fatal',
      code: 'no-valid-rows',
      message: `No row has a label: the label column is empty in all ${result.unlabelled.length} rows. Fill in the labels (at least 2 different ones) and upload the file again, or pick the right label column.`,
    });
    return;
  }
  if (result.rows.length === 0) {
    problems.push({ severity: 'fatal', code: 'no-valid-rows', message: `None of the ${result.rejected.length + result.unlabelled.length} rows is usable; see the rejected rows for the reasons.` });
    return;
  }
  if (labels.length === 1) {
    problems.push({
      severity: 'fatal',
      code: 'one-label',
      message: `Every ${result.unlabelled.length > 0 ? 'labelled ' : ''}row has the label "${labels[0]}"; a classifier needs at least 2 different labels.`,
      labels: [...labels],
    });
  }
  // Hundreds of distinct numbers are a score to predict (regression), not classes: say so. So are
  // many distinct fractions ("0.37", "4.5"), below the limit too; whole numbers up to the limit are
  // class ids (Banking77 and CLINC150 ship their 77 / 150 intents as 0, 1, 2, …).
  const numeric = labels.every((l) => Number.isFinite(Number(l)));
  const fractions = numeric && labels.some((l) => !Number.isInteger(Number(l)));
  if (numeric && (labels.length > maxLabels || (fractions && labels.length > MAX_FRACTION_LABELS))) {
    problems.push({
      severity: 'fatal',
      code: 'too-many-labels',
      message:
        `The label column holds ${labels.length} different numbers; the limit is ${labels.length > maxLabels ? maxLabels : `${MAX_FRACTION_LABELS} when some are fractions`} labels. TextTune sorts texts into categories, ` +
        `it does not predict a number: group the values into a few ranges (for example 1 to 5 stars, or low / medium / high), ` +
        `or check that the right column is selected as the label.`,
    });
  } else if (labels.length > maxLabels) {
    problems.push({
      severity: 'fatal',
      code: 'too-many-labels',
      message:
        `The label column has ${labels.length} different labels; the limit is ${maxLabels}. Beyond that, the column is more ` +
        `often an id or free text than categories, and each label gets too few rows and word patterns to learn from. ` +
        `Group related labels into broader categories, or check that the right column is selected as the label.`,
    });
  }
  // A multi-label export (JSON "labels": ["pos", "fun"], read as the cell '["pos","fun"]'): each
  // distinct list would silently become a class of its own.
  const lists = labels.filter(isLabelList);
  if (lists.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'list-labels',
      message:
        `${lists.length} label(s) are lists of several labels (such as ${lists[0]!.length > 60 ? lists[0]!.slice(0, 60) + '…' : lists[0]}): TextTune gives each text one label, ` +
        `so each different list is trained as a label of its own. For one label per text, keep one label in each row (or repeat the text once per label).`,
      labels: lists,
    });
  }
  const few = labels.filter((l) => labelCounts.get(l)! < MIN_ROWS_PER_LABEL);
  if (few.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'few-rows-per-label',
      message: `${few.length} label(s) have fewer than ${MIN_ROWS_PER_LABEL} rows (${listed(few.map((l) => `"${l.length > 40 ? l.slice(0, 40) + '…' : l}": ${labelCounts.get(l)}`))}); their results will be unreliable.` +
        // Train holds out part of each label's rows to check the model: with one row per label there is
        // nothing to hold out, and Train refuses. Said here, before saving, not only after clicking Train.
        (labels.every((l) => labelCounts.get(l)! < 2) && labels.length > 1
          ? ' No label has 2 rows: Train needs one to learn from and one to check the model on, so add rows first.'
          : ''),
      labels: few,
    });
  }
  // "Pos" and "pos" (or "1" and "1.0") are two classes to the model; usually one class split in two.
  const byFolded = new Map<string, string[]>();
  for (const l of labels) {
    const n = Number(l);
    const key = Number.isFinite(n) ? `number ${n}` : l.toLowerCase().replace(/\s+/g, ' ');
    byFolded.set(key, [...(byFolded.get(key) ?? []), l]);
  }
  const caseGroups = [...byFolded.values()].filter((g) => g.length > 1);
  if (caseGroups.length > 0) {
    problems.push({
      severity: 'warning',
      code: 'labels-differ-in-case',
      message: `${caseGroups.length} group(s) of labels differ only in upper/lower case, spacing or number format (${listed(caseGroups.map((g) => g.map((l) => `"${l}"`).join(' / ')))}); each spelling is trained as a separate class. If they mean the same, make them identical in the file and upload it again.`,
      labels: caseGroups.flat(),
    });
  }
  if (conflictedLines.size > 0) {
    const lines = [...conflictedLines].sort((a, b) => a - b);
    problems.push({
      severity: 'warning',
      code: 'conflicting-labels',
      message: `${lines.length} text(s) appear again later with a different label; the first label was kept (lines ${listed(lines.map(String))}). Check that it is the right one.`,
    });
  }
}

/** The rejected rows as CSV (line,reason,raw) for download, through the one CSV writer (formulas escaped). */
export function rejectedToCsv(rejected: RejectedRow[]): string {
  return toCsv(['line', 'reason', 'raw'], rejected.map((r) => [String(r.line), r.reason, r.raw]));
}
