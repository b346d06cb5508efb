// Dataset import sessions: parse once (off the main thread), then re-validate cheaply
// each time the user changes the column mapping, then save.
import { parseDelimited, withHeader, type ParsedTable } from '../core/data/csv';
import { detectColumns } from '../core/data/detect';
import { MAX_NAME_CHARS } from '../core/model/records';
import { buildDataset, rejectedToCsv, DEFAULT_MAX_LABELS, type DatasetBuildResult } from '../core/data/validate';
import type { ColumnMapping, DatasetMeta, ImportPreview, ImportReport } from './protocol';
import { EngineError } from './errors';
import { DataError } from '../core/data/errors';
import { newId } from '../storage/db';
import { saveDataset } from '../storage/datasets';
import { rowsFingerprint } from '../core/data/fingerprint';

export const MAX_LABELS = DEFAULT_MAX_LABELS;
const REJECTED_PREVIEW_LIMIT = 200;
const SAMPLE_ROWS = 8;

interface Session {
  fileName: string;
  /** As parsed; `table` is it with the header choice applied. */
  parsed: ParsedTable;
  table: ParsedTable;
  mapping: ColumnMapping | null;
  build: DatasetBuildResult | null;
  /** rowsFingerprint of `build` (computed on first use). */
  fingerprint: string | null;
}

export class Importer {
  private readonly sessions = new Map<string, Session>();

  async open(file: Blob, fileName: string, onProgress: (fraction: number) => void): Promise<ImportPreview> {
    let table: ParsedTable;
    try {
      table = await parseDelimited(file, { onProgress });
    } catch (err) {
      // The message names the file: the picker is the only other place that does.
      if (err instanceof DataError && err.code !== 'invalid-argument') throw new DataError(err.code, `${fileName}: ${err.message}`);
      throw err;
    }
    const guess = detectColumns(table, { maxLabels: MAX_LABELS });
    const reasons = [table.headerReason, ...guess.reasons];
    // No column looks like a label: still map the first other column, so the report can say
    // what is wrong with it (one label only, too many labels) instead of just "no label column".
    if (guess.labelColumn < 0 && guess.textColumn >= 0 && table.columns.length > 1) {
      guess.labelColumn = table.columns.findIndex((_, c) => c !== guess.textColumn);
      reasons.push(`label: tried "${table.columns[guess.labelColumn]}" as the label column; pick another one if it is wrong`);
    }
    const importId = newId('import');
    this.sessions.set(importId, { fileName, parsed: table, table, mapping: null, build: null, fingerprint: null });
    return {
      importId,
      fileName,
      delimiter: table.delimiter,
      ...(table.format ? { format: table.format } : {}),
      hasHeader: table.hasHeader,
      columns: table.columns,
      rowCount: table.rows.length,
      sampleRows: table.rows.slice(0, SAMPLE_ROWS),
      detected: { textColumn: guess.textColumn, labelColumn: guess.labelColumn },
      reasons: reasons.filter((r) => r),
    };
  }

  map(importId: string, mapping: ColumnMapping): ImportReport {
    const s = this.session(importId);
    if (mapping.hasHeader !== undefined) s.table = withHeader(s.parsed, mapping.hasHeader);
    const build = buildDataset(s.table, mapping, { maxLabels: MAX_LABELS });
    s.mapping = mapping;
    s.build = build;
    s.fingerprint = null;
    const problems = build.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message }));
    return {
      importId,
      mapping,
      validCount: build.rows.length,
      labels: build.labels,
      labelCounts: build.labels.map((l) => build.labelCounts.get(l) ?? 0),
      rejectedCount: build.rejected.length,
      unlabelledCount: build.unlabelled.length,
      rejected: build.rejected.slice(0, REJECTED_PREVIEW_LIMIT),
      problems,
      preview: build.rows.slice(0, SAMPLE_ROWS),
      canSave: !problems.some((p) => p.severity === 'fatal'),
      table: { hasHeader: s.table.hasHeader, columns: s.table.columns, rowCount: s.table.rows.length, sampleRows: s.table.rows.slice(0, SAMPLE_ROWS) },
    };
  }

  /** The fingerprint of the rows the current mapping keeps (labelled and unlabelled). */
  fingerprint(importId: string): string {
    const s = this.built(importId);
    s.fingerprint ??= rowsFingerprint([...s.build.rows, ...s.build.unlabelled.map((u) => ({ text: u.text, label: '' }))]);
    return s.fingerprint;
  }

  rejectedCsv(importId: string): string {
    return rejectedToCsv(this.built(importId).build.rejected);
  }

  async save(importId: string, name: string): Promise<DatasetMeta> {
    const { fileName, table, mapping, build } = this.built(importId);
    const fatal = build.problems.find((p) => p.severity === 'fatal');
    if (fatal) throw new EngineError('DATASET_INVALID', fatal.message);
    const id = newId('ds');
    const meta: DatasetMeta = {
      id,
      // Cut like a rename is capped: a 3,000-character file name would widen every list it is in.
      name: (name.trim() || fileName).slice(0, MAX_NAME_CHARS),
      fileName,
      createdAt: Date.now(),
      columns: table.columns,
      textColumn: table.columns[mapping.textColumn] ?? '',
      labelColumn: table.columns[mapping.labelColumn] ?? '',
      rowCount: build.rows.length,
      labels: build.labels,
      labelCounts: build.labels.map((l) => build.labelCounts.get(l) ?? 0),
      rejectedCount: build.rejected.length,
      unlabelledCount: build.unlabelled.length,
      warnings: build.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message })),
      fingerprint: this.fingerprint(importId),
    };
    await saveDataset(meta, {
      id,
      texts: build.rows.map((r) => r.text),
      labels: build.rows.map((r) => r.label),
      lines: build.rows.map((r) => r.line),
      rejected: build.rejected,
      unlabelled: build.unlabelled,
    });
    this.sessions.delete(importId);
    return meta;
  }

  discard(importId: string): void {
    this.sessions.delete(importId);
  }

  private session(importId: string): Session {
    const s = this.sessions.get(importId);
    if (!s) throw new EngineError('NOT_FOUND', `no import in progress with id "${importId}" (it was saved or discarded)`);
    return s;
  }

  private built(importId: string): Session & { mapping: ColumnMapping; build: DatasetBuildResult } {
    const s = this.session(importId);
    if (!s.mapping || !s.build) throw new EngineError('BAD_ARGUMENT', `import "${importId}" has no column mapping yet`);
    return s as Session & { mapping: ColumnMapping; build: DatasetBuildResult };
  }
}
