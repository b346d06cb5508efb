// Results of a run: headline numbers, per-class table, confusion matrix, misclassified examples.
import type { Misclassified, RunMetrics } from '../worker/protocol';
import { pct, validationNote, validationRows } from './format';
import { ScrollBox } from './scroll-box';
import { ColumnHeads } from './column-heads';

export function MetricsView({ labels, metrics, misclassified }: { labels: string[]; metrics: RunMetrics; misclassified: Misclassified[] }) {
  const maxCell = Math.max(1, ...metrics.confusion.flat());
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
      <ScrollBox label="Per-class scores">
        <table className="table" data-testid="per-class">
          <caption>Per class (validation)</caption>
          <ColumnHeads names={['label', 'precision', 'recall', 'F1', 'support']} />
          <tbody>
            {metrics.perClass.map((c, i) => (
              <tr key={labels[i] ?? i}>
                <th scope="row">{labels[i]}</th>
                <td>{c.precision.toFixed(3)}</td>
                <td>{c.recall.toFixed(3)}</td>
                <td>{c.f1.toFixed(3)}</td>
                <td>{c.support}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <ScrollBox label="Confusion matrix">
        <table className="table confusion" data-testid="confusion">
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
            {metrics.confusion.map((row, i) => (
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
      </ScrollBox>
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
