// JSON Lines and JSON arrays of records read as a table: Hugging Face datasets, pandas'
// to_json(orient="records", lines=True) and most annotation tools export these, and converting
// them to CSV first was the user's job. Keys name the columns (first-seen order); each record is a
// row; its physical line is kept for error reports, as for CSV.

/** Which JSON a table was read from (shown in the import and batch reviews). */
export type JsonFormat = 'json-lines' | 'json-array';

/** How a JSON file's records became rows. */
export interface JsonTable {
  kind: JsonFormat;
  columns: string[];
  rows: string[][];
  /** 1-based physical line where each row starts. */
  lineNumbers: number[];
  /** Records that could not be read (broken JSON, not an object): their line and why; each is also a row (its raw text in the first cell). */
  badRecords: { line: number; reason: string }[];
  /** Which list of an object ({"train": [...], "test": [...]}) was read, and which were not: shown with the columns. */
  note?: string;
}

/** A value as a cell: strings as they are, numbers and booleans as written, null as empty, anything nested as its JSON. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Records and their lines → columns (union of keys, first seen first) and rows. */
function tabulate(kind: JsonTable['kind'], records: { line: number; value: unknown; raw: string }[], badRecords: JsonTable['badRecords']): JsonTable {
  const index = new Map<string, number>();
  for (const r of records) if (isRecord(r.value)) for (const k of Object.keys(r.value)) if (!index.has(k)) index.set(k, index.size);
  const columns = [...index.keys()];
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  const listed = new Set(badRecords.map((b) => b.line));
  for (const r of records) {
    if (isRecord(r.value)) {
      const row = new Array<string>(columns.length).fill('');
      for (const [k, v] of Object.entries(r.value)) row[index.get(k)!] = cell(v);
      rows.push(row);
    } else {
      // Kept as a row of its own (so nothing disappears) and listed with its reason.
      if (!listed.has(r.line)) badRecords.push({ line: r.line, reason: `not a record with named fields but ${describe(r.value)}` });
      rows.push([r.raw]);
    }
    lineNumbers.push(r.line);
  }
  return { kind, columns, rows, lineNumbers, badRecords };
}

/** JSON Lines: one record per non-blank line. A line that is not JSON is a bad record, the rest are kept. */
function readLines(text: string): JsonTable {
  const records: { line: number; value: unknown; raw: string }[] = [];
  const bad: JsonTable['badRecords'] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw), raw });
    } catch (err) {
      bad.push({ line: i + 1, reason: `not valid JSON (${(err as Error).message.replace(/^JSON\.parse: /, '').slice(0, 120)})` });
      records.push({ line: i + 1, value: undefined, raw });
    }
  });
  return tabulate('json-lines', records, bad);
}

/**
 * The 1-based line where each element of a top-level JSON array starts, and its source text, by
 * scanning strings and nesting (JSON.parse gives values, not positions).
 */
function arrayElements(text: string): { line: number; raw: string }[] {
  const out: { line: number; raw: string }[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let start = -1;
  let startLine = 0;
  const close = (i: number) => {
    const raw = text.slice(start, i).trim();
    if (raw) out.push({ line: startLine, raw });
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && start < 0 && !/[\s,\]]/.test(c)) {
      start = i;
      startLine = line;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0 && start >= 0) close(i);
    } else if (c === ',' && depth === 1 && start >= 0) close(i);
  }
  return out;
}

/** Most of the first non-blank lines are JSON values: JSON Lines, even if a line is broken. */
function looksLikeJsonLines(text: string): boolean {
  const sample = text.split('\n', 200).filter((l) => l.trim() !== '').slice(0, 20);
  let ok = 0;
  for (const l of sample) {
    try {
      if (isRecord(JSON.parse(l))) ok++;
    } catch {
      // counted as not JSON
    }
  }
  return sample.length >= 2 && ok * 2 > sample.length;
}

/**
 * `text` (line ends normalised to \n) as a table when it is JSON Lines or a JSON array of records,
 * else null (not JSON: read it as delimited text). A JSON file that holds no records (a single
 * object, a number) throws with what to do.
 */
export function readJsonTable(text: string): JsonTable | null {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== '[' && text[start] !== '{')) return null;
  const end = text.indexOf('\n', start);
  const firstLine = text.slice(start, end < 0 ? undefined : end).trim();
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    // A JSON array or object spread over lines: its first line alone is not JSON.
    let whole: unknown;
    try {
      whole = JSON.parse(text);
    } catch (err) {
      // JSON Lines whose first record is broken, or a CSV row that starts with a bracket ("[draft] first,pos").
      if (looksLikeJsonLines(text)) return readLines(text);
      // A pretty-printed JSON file with a mistake (a trailing comma, a cut-off end) was read as a
      // one-column CSV whose column was "[": say what it is instead.
      if (/^[[{]$|^\[\s*\{/.test(firstLine)) throw new JsonShapeError(brokenJson(text, err));
      return null;
    }
    return fromWhole(text, whole);
  }
  const oneLine = text.slice(end < 0 ? text.length : end).trim() === '';
  // One line holding the whole array, or an object holding lists of records ({"train": [...]} as
  // json.dump writes it, on one line): a JSON file, not JSON Lines with one odd record.
  if (oneLine && (Array.isArray(first) || (isRecord(first) && recordLists(first).length > 0))) return fromWhole(text, first);
  return readLines(text);
}

function fromWhole(text: string, whole: unknown): JsonTable {
  if (Array.isArray(whole)) {
    if (whole.length === 0) throw new JsonShapeError('This JSON file holds an empty list: there are no records to read.');
    // Not one record in it ([1, 2, 3], a list of strings): nothing names a column, so there is no table to review.
    if (!whole.some(isRecord)) {
      throw new JsonShapeError(
        `This JSON file holds a list of ${whole.length} value(s) such as ${describe(whole[0])}, not records with named fields. TextTune reads a list of records like {"text": …, "label": …}, JSON Lines, or CSV/TSV.`,
      );
    }
    const elements = arrayElements(text);
    // The scan and JSON.parse agree on the count for any valid JSON; lines are only a report aid.
    const lines = elements.length === whole.length ? elements : whole.map(() => ({ line: 1, raw: '' }));
    return tabulate('json-array', whole.map((value, i) => ({ line: lines[i]!.line, value, raw: lines[i]!.raw || JSON.stringify(value) })), []);
  }
  // {"train": [...]} and the like: the one list of records inside. With several (a dataset's
  // splits), "train" is the one to train on; the others are named, not silently dropped.
  if (isRecord(whole)) {
    const lists = recordLists(whole);
    const chosen = lists.length === 1 ? lists[0] : lists.find(([k]) => k.toLowerCase() === 'train');
    if (chosen) {
      const [key, list] = chosen;
      const table = tabulate('json-array', list.map((value) => ({ line: 1, value, raw: JSON.stringify(value) })), []);
      const others = lists.filter((l) => l !== chosen);
      table.note =
        others.length === 0
          ? `the records are the list "${key}"`
          : `the records are the list "${key}"; also in the file and not read: ${others.map(([k, v]) => `"${k}" (${v.length} records)`).join(', ')}`;
      return table;
    }
    if (lists.length > 1) {
      throw new JsonShapeError(
        `This JSON file holds ${lists.length} lists of records (${lists.map(([k, v]) => `"${k}", ${v.length}`).join('; ')}) and none is named "train": TextTune reads one. Save the list to train on as its own file (a JSON array or JSON Lines), or rename it to "train".`,
      );
    }
  }
  throw new JsonShapeError(
    `This JSON file holds ${describe(whole)}${isRecord(whole) ? ` with ${Object.keys(whole).length} field(s)` : ''}, not a list of records. TextTune reads JSON Lines (one {"text": …, "label": …} per line), a JSON array of such records, or CSV/TSV.`,
  );
}

/** What to say about a file that starts as JSON and does not parse: where, when the parser says, and what to do. */
function brokenJson(text: string, err: unknown): string {
  const pos = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
  const where = pos ? ` near line ${text.slice(0, Number(pos[1])).split('\n').length}` : '';
  const cut = /[\]}]\s*$/.test(text) ? '' : ' It stops before its closing bracket: it may have been cut off.';
  return (
    `This file starts like JSON but is not valid JSON${where}, so nothing was read.${cut} ` +
    'A comma before a closing bracket is a common cause. Fix it, or save the records as JSON Lines (one per line: a broken line is then skipped and the rest kept).'
  );
}

/** An object's fields that are non-empty lists of records, in the file's order. */
function recordLists(o: Record<string, unknown>): [string, Record<string, unknown>[]][] {
  return Object.entries(o).filter((e): e is [string, Record<string, unknown>[]] => Array.isArray(e[1]) && e[1].length > 0 && e[1].every(isRecord));
}

export class JsonShapeError extends Error {}
