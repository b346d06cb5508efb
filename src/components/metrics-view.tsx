// Results of a run: headline numbers, per-class table, confusion matrix, misclassified examples.
import { useState } from 'react';
import type { Misclassified, RunMetrics } from '../worker/protocol';
import { pct, validationNote, validationRows } from './format';
import { ScrollBox } from './scroll-box';
import { ColumnHeads } from './column-heads';
import { MANY_LABELS, topConfusions } from './many-labels';

export function MetricsView({ labels, metrics, misclassified }: { labels: string[]; metrics: RunMetrics; misclassified: Misclassified[] }) {
  // A loop, not Math.max(...flat()): 150 labels are 22,500 arguments.
  let maxCell = 1;
  for (const row of metrics.confusion) for (const v of row) if (v > maxCell) maxCell = v;
  const note = validationNote(validationRows(metrics.perClass));
  return (
    <div className="metrics" data-testid="metrics">
      <div className="headline">
        <div>
          <span className="big" data-testid="metric-accuracy">
            {pct(metrics.accuracy)}
          </span>
          <span>accuracy</span>
        </div>
        <div>
          <span className="big" data-testid="metric-macro-f1">
            {metrics.macroF1.toFixed(3)}
          </span>
          <span>macro-F1</span>
        </div>
      </div>
      <p className={note.few ? 'warning small' : 'muted small'} data-testid="validation-size" data-few={note.few ? 'true' : 'false'}>
        {note.few ? '⚠ ' : ''}Accuracy and macro-F1 {note.text}.
      </p>
      <PerClassTable labels={labels} metrics={metrics} />
      {labels.length >= MANY_LABELS ? (
        <ManyConfusions labels={labels} confusion={metrics.confusion} maxCell={maxCell} />
      ) : (
        <ScrollBox label="Confusion matrix">
          <ConfusionMatrix labels={labels} confusion={metrics.confusion} maxCell={maxCell} />
        </ScrollBox>
      )}
      <details open={misclassified.length > 0 && misclassified.length <= 10}>
        <summary>Misclassified validation examples ({misclassified.length})</summary>
        {misclassified.length === 0 ? (
          <p>None: every validation example was classified correctly.</p>
        ) : (
          <ScrollBox label="Misclassified validation examples">
            <table className="table" data-testid="misclassified">
              <ColumnHeads names={['line', 'text', 'true', 'predicted', 'confidence']} />
              <tbody>
                {misclassified.map((m) => (
                  <tr key={m.line}>
                    <td>{m.line}</td>
                    <td className="text-cell" dir="auto">{m.text}</td>
                    <td>{m.trueLabel}</td>
                    <td>{m.predictedLabel}</td>
                    <td>{pct(m.confidence)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        )}
      </details>
    </div>
  );
}

/** Per-class scores; with many labels the weakest first, in a box of its own height that scrolls. */
function PerClassTable({ labels, metrics }: { labels: string[]; metrics: RunMetrics }) {
  const many = labels.length >= MANY_LABELS;
  const order = metrics.perClass.map((_, i) => i);
  // Intent sets often have a few rows per label, so 1 validation row each (the split keeps one).
  const thin = many ? metrics.perClass.filter((c) => c.support <= 1).length : 0;
  if (many) order.sort((a, b) => metrics.perClass[a]!.f1 - metrics.perClass[b]!.f1 || a - b);
  return (
    <ScrollBox label="Per-class scores" tall={many}>
      <table className="table sticky-head" data-testid="per-class">
        <caption>
          {many ? `Per class (validation): ${labels.length} labels, lowest F1 first` : 'Per class (validation)'}
          {thin > 0 && (
            <span className="muted small" data-testid="per-class-thin">
              {' '}
              — {thin} label{thin === 1 ? ' has' : 's have'} at most 1 validation row: their scores are 0 or 1, not a measurement
            </span>
          )}
        </caption>
        <ColumnHeads names={['label', 'precision', 'recall', 'F1', 'support']} />
        <tbody>
          {order.map((i) => {
            const c = metrics.perClass[i]!;
            return (
              <tr key={labels[i] ?? i}>
                <th scope="row">{labels[i]}</th>
                <td>{c.precision.toFixed(3)}</td>
                <td>{c.recall.toFixed(3)}</td>
                <td>{c.f1.toFixed(3)}</td>
                <td>{c.support}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}

function ConfusionMatrix({ labels, confusion, maxCell }: { labels: string[]; confusion: number[][]; maxCell: number }) {
  return (
    <table className="table confusion sticky-head" data-testid="confusion">
      <caption>Confusion matrix (rows: true label, columns: predicted)</caption>
      <thead>
        <tr>
          <th scope="col">true \ predicted</th>
          {labels.map((l) => (
            <th scope="col" key={l}>
              {l}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.map((row, i) => (
          <tr key={labels[i] ?? i}>
            <th scope="row">{labels[i]}</th>
            {row.map((v, j) => (
              <td key={j} className={i === j ? 'diag' : v > 0 ? 'off' : ''} data-level={Math.ceil((v / maxCell) * 4)}>
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Shown at most, with many labels: the largest off-diagonal cells. */
const TOP_CONFUSIONS = 15;

/**
 * With many labels the full matrix (150 × 150 = 22,500 cells) is a wall nobody reads: the most
 * frequent confusions come first, the whole matrix is one click away (built only when opened).
 */
function ManyConfusions({ labels, confusion, maxCell }: { labels: string[]; confusion: number[][]; maxCell: number }) {
  const [full, setFull] = useState(false);
  const top = topConfusions(confusion, TOP_CONFUSIONS);
  return (
    <div data-testid="many-confusions">
      {top.length === 0 ? (
        <p data-testid="top-confusions-none">No confusions: every validation row got its own label.</p>
      ) : (
        <ScrollBox label="Most frequent confusions">
          <table className="table" data-testid="top-confusions">
            <caption>
              Most frequent confusions ({top.length === TOP_CONFUSIONS ? `top ${TOP_CONFUSIONS}` : `all ${top.length}`} of the {labels.length} × {labels.length} confusion matrix)
            </caption>
            <ColumnHeads names={['true label', 'predicted as', 'rows', 'share of the true label']} />
            <tbody>
              {top.map((c) => (
                <tr key={`${c.actual}-${c.predicted}`} data-testid="top-confusion">
                  <td>{labels[c.actual]}</td>
                  <td>{labels[c.predicted]}</td>
                  <td>{c.count}</td>
                  <td>{pct(c.share, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      <details onToggle={(e) => setFull(e.currentTarget.open)}>
        <summary data-testid="full-confusion-toggle">
          Full confusion matrix ({labels.length} × {labels.length}; scrolls both ways)
        </summary>
        {full && (
          <ScrollBox label="Confusion matrix" tall>
            <ConfusionMatrix labels={labels} confusion={confusion} maxCell={maxCell} />
          </ScrollBox>
        )}
      </details>
    </div>
  );
}
