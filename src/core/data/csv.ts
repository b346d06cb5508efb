// Delimited-text parsing for uploaded datasets. papaparse does the quoting rules;
// this file adds what papaparse does not give us: physical line numbers per row,
// an explainable delimiter/header choice, ragged-row bookkeeping and strict UTF-8.
import Papa from 'papaparse';
import { DataError } from './errors';
import { decodeText, type TextEncodingName } from './encoding';
import { guessHeader } from './header';
import { JsonShapeError, readJsonTable, type JsonFormat, type JsonTable } from './json-table';

export { decodeUtf8Strict } from './utf8';
export type { StrictDecodeResult } from './utf8';

export interface RaggedRow {
  line: number;
  expected: number;
  got: number;
}

export interface ParsedTable {
  columns: string[];
  /** Data rows (header excluded), ragged rows included as they were read. */
  rows: string[][];
  delimiter: string;
  hasHeader: boolean;
  /** Why the header decision went the way it did (shown in the column-mapping step). */
  headerReason: string;
  /** 1-based physical line where each row starts (header = line 1), parallel to `rows`. */
  lineNumbers: number[];
  raggedRows: RaggedRow[];
  /** Lines with invalid UTF-8, filled when the input was a Blob (decoded here). */
  invalidUtf8Lines: number[];
  /** How a Blob was decoded (decodeText); absent for a string input. */
  encoding?: TextEncodingName;
  /** Lines where a field opens a double quote that is never closed properly: that one line, split with its quotes as plain characters. */
  unclosedQuoteLines?: number[];
  /** Set when the file was JSON Lines or a JSON array of records (json-table.ts): field names are the columns. */
  format?: JsonFormat;
  /** Records that could not be read (broken JSON, not a record): each is a row of its own, rejected with this reason. */
  badRecords?: { line: number; reason: string }[];
  /** The header row as read (before naming), and its line: withHeader turns it back into data. */
  headerCells?: string[];
  headerLine?: number;
}

export interface ParseOptions {
  onProgress?(fraction: number): void;
  /** Characters between progress events. Default 1 MiB. */
  chunkSize?: number;
}

export const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'] as const;
/**
 * Largest file parseDelimited reads (bytes; characters for a string). The file is decoded and
 * parsed in memory (about 8× its size at peak), so this keeps an import well under 1 GB.
 * README "Choices and limits".
 */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_ROWS = 50;

/**
 * Parses CSV/TSV text. A Blob is read whole and decoded strictly here (papaparse's own
 * Blob reader decodes chunk by chunk and mangles multi-byte characters split across
 * chunks; 15 MB fits comfortably in a worker's memory).
 */
export async function parseDelimited(input: string | Blob, opts: ParseOptions = {}): Promise<ParsedTable> {
  const chunkSize = opts.chunkSize ?? 1 << 20;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new DataError('invalid-argument', `parseDelimited: chunkSize must be a positive integer, got ${String(opts.chunkSize)}`);
  }
  let text: string;
  let invalidUtf8Lines: number[] = [];
  let encoding: TextEncodingName | undefined;
  const size = typeof input === 'string' ? input.length : typeof Blob !== 'undefined' && input instanceof Blob ? input.size : 0;
  if (size > MAX_FILE_BYTES) {
    throw new DataError(
      'file-too-large',
      `The file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it, or keep only the text and label columns.`,
    );
  }
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const decoded = decodeText(new Uint8Array(await input.arrayBuffer()));
    text = decoded.text;
    invalidUtf8Lines = decoded.invalidLines;
    encoding = decoded.encoding;
  } else {
    throw new DataError('invalid-argument', `parseDelimited: input must be a string or a Blob, got ${typeof input}`);
  }

  text = normalizeLineEndings(text);
  const json = readJson(text);
  if (json) {
    opts.onProgress?.(1);
    const table: ParsedTable = {
      columns: json.columns,
      rows: json.rows,
      lineNumbers: json.lineNumbers,
      raggedRows: [],
      // Used to join a rejected record's fields for display; the format says what the file was.
      delimiter: ',',
      format: json.kind,
      hasHeader: true,
      headerReason: `${json.kind === 'json-lines' ? 'JSON Lines' : 'a JSON array'}: the records' field names are the columns${json.note ? `; ${json.note}` : ''}`,
      invalidUtf8Lines,
    };
    if (json.badRecords.length > 0) table.badRecords = json.badRecords;
    if (encoding) table.encoding = encoding;
    return table;
  }
  // Excel's "sep=;" first line names the delimiter; it is not the header. A spreadsheet that
  // re-saved it pads it with delimiters ("sep=;;;").
  const sep = /^"?sep=([^\n"])"?\1*[ \t]*(\n|$)/i.exec(text);
  const body = sep ? text.slice(sep[0].length) : text;
  const delimiter = sep ? sep[1]! : detectDelimiter(body);
  const raw = await parseRows(body, delimiter, chunkSize, opts.onProgress, sep ? 2 : 1);
  const dataStart = raw.rows.length > 0 ? 1 : 0;
  const header = guessHeader(raw.rows);
  const hasHeader = raw.rows.length > 0 && header.hasHeader;
  const headerCells = hasHeader ? raw.rows[0]! : [];
  const rows = hasHeader ? raw.rows.slice(dataStart) : raw.rows;
  const lineNumbers = hasHeader ? raw.lines.slice(dataStart) : raw.lines;
  opts.onProgress?.(1);
  const table: ParsedTable = { ...shape(rows, lineNumbers, hasHeader ? headerCells : null), delimiter, hasHeader, headerReason: header.reason, invalidUtf8Lines };
  if (hasHeader) {
    table.headerCells = headerCells;
    table.headerLine = raw.lines[0]!;
  }
  if (encoding) table.encoding = encoding;
  if (raw.unclosed.length > 0) table.unclosedQuoteLines = raw.unclosed;
  return table;
}

/** Columns, trailing delimiters and ragged rows of data rows under a header (null: none, named by position). */
function shape(rows: string[][], lineNumbers: number[], headerCells: string[] | null): Pick<ParsedTable, 'columns' | 'rows' | 'lineNumbers' | 'raggedRows'> {
  const width = headerCells ? headerCells.length : modeLength(rows);
  const columns = headerCells ? nameColumns(headerCells) : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  dropTrailingDelimiters(rows, width);
  if (headerCells) padUnnamedColumns(rows, headerCells);
  const raggedRows: RaggedRow[] = [];
  rows.forEach((row, i) => {
    if (row.length !== width) raggedRows.push({ line: lineNumbers[i]!, expected: width, got: row.length });
  });
  return { columns, rows, lineNumbers, raggedRows };
}

/**
 * The table read with (or without) its first row as the header, when the user overrides the
 * guess: a header-less file read with a header lost its first row, and a header read as data
 * became a row labelled "label". Nothing is parsed again.
 */
export function withHeader(table: ParsedTable, hasHeader: boolean): ParsedTable {
  if (hasHeader === table.hasHeader) return table;
  const { headerCells: _cells, headerLine: _line, ...rest } = table;
  if (hasHeader) {
    if (table.rows.length === 0) return table;
    const cells = table.rows[0]!;
    return {
      ...rest,
      ...shape(table.rows.slice(1), table.lineNumbers.slice(1), cells),
      hasHeader,
      headerReason: 'you marked the first row as the header',
      headerCells: cells,
      headerLine: table.lineNumbers[0]!,
    };
  }
  if (!table.headerCells || table.headerLine === undefined) return table;
  return {
    ...rest,
    ...shape([table.headerCells, ...table.rows], [table.headerLine, ...table.lineNumbers], null),
    hasHeader,
    headerReason: 'you marked the first row as data',
  };
}

/**
 * Some exporters end every data row with a delimiter the header does not have ("text,label" over
 * "good,pos,"): every row had one field too many and was rejected. When most rows carry exactly
 * one extra, empty last field, it is dropped from each row that has it; a row with a real extra
 * field is still reported.
 */
function dropTrailingDelimiters(rows: string[][], width: number): void {
  const trailing = (r: string[]): boolean => r.length === width + 1 && r[width]!.trim() === '';
  let n = 0;
  for (const r of rows) if (trailing(r)) n++;
  if (width < 1 || n * 2 <= rows.length) return;
  for (const r of rows) if (trailing(r)) r.pop();
}

/**
 * A header ending in a delimiter ("text,label,") has unnamed last columns that the rows need not
 * fill: every "good,pos" row was rejected as one field short. A row that stops within those
 * columns is padded with empty cells (nothing is lost: the columns have no name and no value).
 */
function padUnnamedColumns(rows: string[][], headerCells: string[]): void {
  let named = headerCells.length;
  while (named > 0 && headerCells[named - 1]!.trim() === '') named--;
  if (named === headerCells.length || named === 0) return;
  for (const r of rows) {
    if (r.length >= named && r.length < headerCells.length) while (r.length < headerCells.length) r.push('');
  }
}

/** JSON Lines or a JSON array of records as a table (json-table.ts); null when the text is not JSON. */
function readJson(text: string): JsonTable | null {
  try {
    return readJsonTable(text);
  } catch (err) {
    if (err instanceof JsonShapeError) throw new DataError('not-text', err.message);
    throw err;
  }
}

/**
 * Every line break ("\r\n", a lone "\r") becomes "\n" before parsing. papaparse guesses one
 * line break per file, so an LF line in a CRLF file (or a lone CR in an LF file) used to merge
 * with the next line and lose rows. Line numbers are unchanged: each break still counts once,
 * the same convention as decodeUtf8Strict.
 */
export function normalizeLineEndings(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

/**
 * Picks the candidate delimiter that splits the first rows into the most consistent
 * number (≥ 2) of fields; ties go to the earlier candidate (comma first). A file no
 * candidate splits is a single column and reported with a comma.
 */
export function detectDelimiter(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  let best: { delimiter: string; consistency: number; width: number } | null = null;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const parsed = Papa.parse<string[]>(sample, { delimiter, preview: SAMPLE_ROWS, skipEmptyLines: 'greedy' });
    let counts = parsed.data.map((r) => r.length);
    // The last sampled row may be cut off by the sample window.
    if (sample.length < text.length && counts.length > 1) counts = counts.slice(0, -1);
    const width = modeOf(counts);
    if (width < 2) continue;
    const consistency = counts.filter((c) => c === width).length / counts.length;
    if (!best || consistency > best.consistency) best = { delimiter, consistency, width };
  }
  return best?.delimiter ?? ',';
}

interface RawRows {
  rows: string[][];
  lines: number[];
  /** Lines whose row opened a quote that never closes (see parseRows). */
  unclosed: number[];
}

/**
 * A field that opens a double quote and never closes it (`"oops,pos`, or `"Best" buy,pos`, whose
 * quote closes mid-field) swallowed the rest of the file into one row, losing every row after it.
 * Its one physical line becomes a row of its own, split with the quotes read as plain characters
 * (listed in `unclosed`: buildDataset keeps it when its field count is right, with a warning, and
 * rejects it otherwise), and parsing resumes on the next line.
 */
async function parseRows(text: string, delimiter: string, chunkSize: number, onProgress: ((f: number) => void) | undefined, firstLine: number): Promise<RawRows> {
  const out: RawRows = { rows: [], lines: [], unclosed: [] };
  let offset = 0;
  let line = firstLine;
  // Each recovery parses on from the line after the bad one (the work past it was aborted), so a
  // bad quote on every row stays linear (300k rows, half of them bad: 3.8 s vs 2 s); offset only grows.
  for (;;) {
    const seg = await parseSegment(text, offset, line, delimiter, chunkSize, onProgress, out);
    if (!seg) return out;
    const end = text.indexOf('\n', seg.offset);
    out.rows.push(text.slice(seg.offset, end < 0 ? text.length : end).split(delimiter));
    out.lines.push(seg.line);
    out.unclosed.push(seg.line);
    if (end < 0) return out;
    offset = end + 1;
    line = seg.line + 1;
  }
}

/** Parses text from `offset`; returns where an unclosed quote's row starts (null: parsed to the end). */
function parseSegment(
  text: string,
  offset: number,
  firstLine: number,
  delimiter: string,
  chunkSize: number,
  onProgress: ((f: number) => void) | undefined,
  out: RawRows,
): Promise<{ offset: number; line: number } | null> {
  const { rows, lines } = out;
  const input = offset === 0 ? text : text.slice(offset);
  let line = firstLine;
  let reported = 0;
  let rowStart = 0;
  let unclosed: { offset: number; line: number } | null = null;
  return new Promise((resolve, reject) => {
    // One pass with a per-row callback: papaparse's chunk mode re-parses an unfinished row from
    // its start at every chunk, so a 50 MB quoted field took 2 s and 1.3 GB (step: 20 ms, ~0 MB).
    Papa.parse<string[]>(input, {
      delimiter,
      newline: '\n',
      // Empty lines must reach us: they still count as physical lines.
      skipEmptyLines: false,
      step(results: Papa.ParseStepResult<string[]>, parser: Papa.Parser) {
        const row = results.data;
        const start = line;
        // A quote never closed runs to the end of the input (MissingQuotes); one closed mid-field
        // (`"Best" buy,pos`) runs on to the next `",` and silently merged the rows in between
        // (InvalidQuotes over several lines). Either way: stop here, and re-read from this row's line.
        if (
          results.errors.some((e) => e.code === 'MissingQuotes' || (e.code === 'InvalidQuotes' && row.some((f) => countLineBreaks(f) > 0)))
        ) {
          unclosed = { offset: offset + rowStart, line: start };
          parser.abort();
          return;
        }
        rowStart = results.meta.cursor;
        // A row spans one line plus one per line break inside its quoted fields.
        for (const field of row) line += countLineBreaks(field);
        line += 1;
        if (!row.every((f: string) => f.trim() === '')) {
          rows.push(row);
          lines.push(start);
        }
        const cursor = results.meta.cursor;
        if (onProgress && cursor - reported >= chunkSize) {
          reported = cursor;
          onProgress(text.length === 0 ? 1 : Math.min(1, (offset + cursor) / text.length));
        }
      },
      complete() {
        resolve(unclosed);
      },
      error(err: Error) {
        reject(new DataError('parse-failed', `parseDelimited: papaparse failed: ${err.message}`));
      },
    });
  });
}

function countLineBreaks(field: string): number {
  let n = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 0x0a) n++;
    else if (c === 0x0d) {
      n++;
      if (field.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return n;
}

function nameColumns(cells: string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const base = cell.trim() || `column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

function modeLength(rows: string[][]): number {
  return modeOf(rows.map((r) => r.length));
}

/** Most frequent value; ties go to the larger value. 0 for an empty list. */
function modeOf(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
