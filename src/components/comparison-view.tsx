// Every candidate of a run on the same validation rows, which one was kept and why, and how
// honest its probabilities are (calibration error before/after temperature scaling).
import type { Comparison } from '../worker/protocol';
import { pct } from './format';
import { ScrollBox } from './scroll-box';

const NAMES: Record<Comparison['kept'], string> = {
  baseline: 'n-gram baseline (TF-IDF + logistic regression)',
  encoder: 'encoder + head',
  hybrid: 'hybrid: n-grams + embeddings in one model',
  blend: 'blend of n-gram and encoder probabilities',
};

export function ComparisonView({ comparison }: { comparison: Comparison }) {
  const { calibration: cal } = comparison;
  return (
    <div className="comparison" data-testid="comparison">
      <p data-testid="kept-summary">
        <strong>{comparison.summary}</strong>
      </p>
      <ScrollBox label="Models compared">
        <table className="table" data-testid="candidates">
          <caption>
            Models compared on the same {comparison.valRows} validation rows
            {comparison.valRows < 50 ? ' — few rows: differences of a few points are noise' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">model</th>
              <th scope="col">accuracy</th>
              <th scope="col">macro-F1</th>
              {comparison.crossValidated && <th scope="col">cross-validated macro-F1</th>}
              <th scope="col">setting</th>
            </tr>
          </thead>
          <tbody>
            {comparison.candidates.map((c) => (
              <tr key={c.kind} data-testid={`candidate-${c.kind}`} data-kept={c.kind === comparison.kept ? 'true' : 'false'} className={c.kind === comparison.kept ? 'kept' : undefined}>
                <th scope="row">
                  {NAMES[c.kind]}
                  {c.kind === comparison.kept ? ' ✓ kept' : ''}
                </th>
                <td>{pct(c.metrics.accuracy)}</td>
                <td>{c.metrics.macroF1.toFixed(3)}</td>
                {comparison.crossValidated && <td>{c.selectionF1.toFixed(3)}</td>}
                <td className="muted small">{c.setting}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      <p className="muted small" data-testid="calibration">
        Probabilities calibrated on {comparison.selectionRows} rows (temperature {cal.temperature.toFixed(2)}): expected calibration error{' '}
        {pct(cal.eceBefore)} before, {pct(cal.eceAfter)} after.
      </p>
      {comparison.refitRows !== undefined && comparison.kept !== 'encoder' && comparison.refitRows > comparison.valRows && (
        <p className="muted small" data-testid="refit-note">
          With these settings, the n-gram part was then fitted once more on all {comparison.refitRows} labelled rows (training + validation), so no
          label is left out of the model you use; the scores above are from before, on rows it had not seen.
        </p>
      )}
    </div>
  );
}
