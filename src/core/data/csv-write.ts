// The one way TextTune writes CSV (batch predictions, rejected rows, the Hugging Face export's
// train.csv): RFC 4180 quoting, CRLF line ends, and formula escaping.
//
// Formula escaping: a spreadsheet runs a cell that starts with = + - @ (or a tab / CR, which some
// strip first) as a formula, so "=HYPERLINK(…)" in a dataset, or a label "=1+1" from an imported
// bundle, would become live in Excel or LibreOffice. Such a cell is written with a leading "'"
// (OWASP's advice), which spreadsheets show as text. A cell that already starts with "'" gets one
// more, so the rule is exactly reversible: unescapeFormula drops one leading "'" (train.py does
// the same when it reads train.csv back).

const FORMULA_START = /^[=+\-@\t\r']/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/** One field: formula-escaped, then quoted when it holds a quote, delimiter, line break or edge space. */
export function csvCell(value: string): string {
  const v = escapeFormula(value);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A whole file: header + rows, every cell through csvCell, CRLF line ends. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
