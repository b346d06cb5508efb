// The review step of an import: column mapping, preview, label distribution, problems, rejected rows.
import type { ColumnMapping, ImportPreview, ImportReport } from '../../worker/protocol';
import { Bars } from '../../components/bars';
import { MANY_LABELS } from '../../components/many-labels';
import { ScrollBox } from '../../components/scroll-box';
import { ColumnHeads } from '../../components/column-heads';

export interface ImportReviewProps {
  preview: ImportPreview;
  report: ImportReport | null;
  onMapping(mapping: ColumnMapping): void;
  onDownloadRejected(): void;
}

const delimiterName = (d: string): string => ({ ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' })[d] ?? JSON.stringify(d);

export function ImportReview({ preview, report, onMapping, onDownloadRejected }: ImportReviewProps) {
  const mapping = report?.mapping ?? preview.detected;
  // The table as now read: the header checkbox re-reads it (report.table), the first answer is the preview's.
  const table = report?.table ?? preview;
  const columnSelect = (which: 'textColumn' | 'labelColumn', label: string) => (
    <label>
      {label}
      <select
        data-testid={`map-${which}`}
        value={mapping[which]}
        onChange={(e) => onMapping({ ...mapping, [which]: Number(e.target.value) })}
      >
        <option value={-1}>(none)</option>
        {table.columns.map((c, i) => (
          <option key={i} value={i}>
            {c}
          </option>
        ))}
      </select>
    </label>
  );
  const fatal = report?.problems.filter((p) => p.severity === 'fatal') ?? [];
  const warnings = report?.problems.filter((p) => p.severity === 'warning') ?? [];
  return (
    <section className="card" data-testid="import-review" aria-label="Import review">
      <h3>{preview.fileName}</h3>
      <p className="muted" data-testid="import-summary">
        {table.rowCount} data row(s) · {table.columns.length} column(s) ·{' '}
        {preview.format
          ? `${preview.format === 'json-lines' ? 'JSON Lines' : 'JSON array'}, columns named by the records' fields`
          : `${delimiterName(preview.delimiter)}-separated · ${table.hasHeader ? 'with header' : 'no header'}`}
      </p>
      <div className="row">
        {columnSelect('textColumn', 'Text column')}
        {columnSelect('labelColumn', 'Label column')}
        {!preview.format && (
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="import-has-header"
              checked={table.hasHeader}
              disabled={!report}
              onChange={(e) => onMapping({ ...mapping, hasHeader: e.target.checked })}
            />
            First row is a header
          </label>
        )}
      </div>
      {preview.reasons.length > 0 && (
        <ul className="muted small">
          {preview.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {fatal.map((p) => (
        <p key={p.code} className="error" role="alert" data-testid={`problem-${p.code}`} data-severity="fatal">
          {p.message}
        </p>
      ))}
      {warnings.map((p) => (
        <p key={p.code} className="warning" data-testid={`problem-${p.code}`} data-severity="warning">
          {p.message}
        </p>
      ))}
      {table.sampleRows.length > 0 && (
        <ScrollBox label="First rows as read" tall>
          <table className="table small" data-testid="import-preview">
            <caption>First rows as read</caption>
            <thead>
              <tr>
                {table.columns.map((c, i) => (
                  <th key={i} scope="col" className={i === mapping.textColumn ? 'mapped' : i === mapping.labelColumn ? 'mapped' : ''}>
                    {c}
                    {i === mapping.textColumn ? ' (text)' : i === mapping.labelColumn ? ' (label)' : ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.sampleRows.map((r, i) => (
                <tr key={i}>
                  {table.columns.map((_, j) => (
                    <td key={j} className="text-cell" dir="auto">
                      {r[j] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      {report && (
        <>
          <p data-testid="valid-count">
            <strong>{report.validCount}</strong> valid row(s), <strong data-testid="rejected-count">{report.rejectedCount}</strong> rejected,{' '}
            {report.labels.length} label(s).
          </p>
          {report.unlabelledCount > 0 && (
            <p className="muted small" data-testid="unlabelled-count">
              {report.unlabelledCount} row(s) have no label: they are kept, not trained on, and after a run the app proposes the ones the model is
              least sure about for you to label.
            </p>
          )}
          {report.labels.length > 0 && (
            <div data-testid="label-distribution">
              {report.labels.length < MANY_LABELS ? (
                <>
                  <h4>Label distribution</h4>
                  <Bars bars={report.labels.map((l, i) => ({ label: l, value: report.labelCounts[i]!, text: String(report.labelCounts[i]) }))} />
                </>
              ) : (
                <>
                  {/* Many labels: the thin ones (the ones the warnings are about) first, in a box that scrolls. */}
                  <h4 id="label-distribution-title">Label distribution: {report.labels.length} labels, fewest rows first</h4>
                  <ScrollBox labelledBy="label-distribution-title" tall>
                    <Bars
                      wrap
                      bars={report.labels
                        .map((l, i) => ({ label: l, value: report.labelCounts[i]!, text: String(report.labelCounts[i]) }))
                        .sort((a, b) => a.value - b.value)}
                    />
                  </ScrollBox>
                </>
              )}
            </div>
          )}
          {report.rejectedCount > 0 && (
            <div>
              <h4>
                Rejected rows{' '}
                <button type="button" className="link" data-testid="download-rejected" onClick={onDownloadRejected}>
                  download all as CSV
                </button>
              </h4>
              <ScrollBox label="Rejected rows" tall>
                <table className="table small" data-testid="rejected-table">
                  <ColumnHeads names={['line', 'reason', 'row']} />
                  <tbody>
                    {report.rejected.map((r) => (
                      <tr key={r.line} data-testid="rejected-row" data-line={r.line}>
                        <td>{r.line}</td>
                        <td>{r.reason}</td>
                        <td className="text-cell" dir="auto">{r.raw}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
              {report.rejectedCount > report.rejected.length && (
                <p className="muted small">Showing the first {report.rejected.length}; the download has all {report.rejectedCount}.</p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
