// A run's result for a person: the summary (what was kept, how often it is right, on how many
// held-out examples) in plain words next to the playground, and the expert details below it.
import { forwardRef } from 'react';
import type { RunDetail, RunSummary } from '../../worker/protocol';
import { MetricsView } from '../../components/metrics-view';
import { ComparisonView } from '../../components/comparison-view';
import { LineChart } from '../../components/line-chart';
import { FEW_VALIDATION_ROWS, pct, validationRows } from '../../components/format';
import { listLabels } from '../../components/many-labels';
import { FineTuneDetails } from './finetune-details';

type Kept = NonNullable<RunSummary['comparison']>['kept'];

/** The kept model in words a first-time user can read (the details table keeps the exact names). */
const PLAIN_KEPT: Record<Kept, string> = {
  baseline: 'word patterns (which words and word pairs appear)',
  encoder: 'the language model’s reading of each text',
  hybrid: 'word patterns and the language model together',
  blend: 'word patterns and the language model, averaged',
};

export function keptInWords(run: RunSummary): string {
  if (run.fineTune) return 'the language model, fine-tuned on your data';
  if (run.comparison) return PLAIN_KEPT[run.comparison.kept];
  return run.imported ? 'the imported model' : 'the language model’s reading of each text';
}

/** "+1.7 points better than word patterns alone" when the kept model is not the baseline. */
export function gainText(run: RunSummary): string | null {
  const c = run.comparison;
  if (!c || c.kept === 'baseline') return null;
  const base = c.candidates.find((x) => x.kind === 'baseline');
  if (!base) return null;
  // The difference the choice was made on (cross-validated when the validation rows are few: more
  // rows, less noise), so the headline says what the details say.
  const kept = c.candidates.find((x) => x.kind === c.kept);
  const d = ((kept?.selectionF1 ?? run.metrics.macroF1) - base.selectionF1) * 100;
  // Without cross-validation the choice rests on the validation rows alone: say how many, since
  // "66.7 points better" measured on 2 rows is one row's luck.
  const n = c.selectionRows;
  const on = c.crossValidated
    ? ` (balanced score, ${n} examples, each predicted by a model that had not seen it)`
    : ` (balanced score on ${n} held-out example${n === 1 ? '' : 's'}${n < FEW_VALIDATION_ROWS ? ': too few to be sure' : ''})`;
  if (Math.abs(d) < 0.05) return `as good as word patterns alone${on}`;
  return d > 0 ? `${d.toFixed(1)} points better than word patterns alone${on}` : `${(-d).toFixed(1)} points below word patterns alone, kept as you asked${on}`;
}

/** Share of the held-out rows in one label from which accuracy alone misleads. */
const IMBALANCED_SHARE = 0.8;

/**
 * With one label at 80%+ of the held-out rows, "93% right" says little: always answering that label
 * scores as much. Then the summary says so and points at the balanced score (95/5 IMDB rows: the
 * n-grams scored 94.4% accuracy and 0.49 macro-F1, the kept model 93.3% and 0.77).
 */
export function imbalanceNote(run: Pick<RunSummary, 'labels' | 'metrics'>): string | null {
  const rows = validationRows(run.metrics.perClass);
  if (rows === 0 || run.metrics.perClass.length < 2) return null;
  let top = 0;
  run.metrics.perClass.forEach((c, i) => {
    if (c.support > run.metrics.perClass[top]!.support) top = i;
  });
  const share = run.metrics.perClass[top]!.support / rows;
  if (share < IMBALANCED_SHARE) return null;
  return `“${run.labels[top]}” is ${pct(share, 0)} of the held-out examples: always answering it would be right that often, so judge the model by its balanced score.`;
}

export interface ResultSummaryProps {
  run: RunDetail;
  onImprove(): void;
  onExport(): void;
  onDetails(): void;
}

/** The result card: its heading takes focus when a run finishes (the ref). */
export const ResultSummary = forwardRef<HTMLHeadingElement, ResultSummaryProps>(function ResultSummary({ run, onImprove, onExport, onDetails }, headingRef) {
  const rows = validationRows(run.metrics.perClass);
  const few = rows < FEW_VALIDATION_ROWS;
  const gain = gainText(run);
  const imbalance = imbalanceNote(run);
  const epochs = run.epochsRun > 1 ? ` · best epoch ${run.bestEpoch} of ${run.epochsRun}${run.stoppedByUser ? ' · stopped by you' : run.stoppedEarly ? ' · stopped early' : ''}` : run.stoppedByUser ? ' · stopped by you' : '';
  return (
    <section className="card result-summary" data-testid="run-result" aria-labelledby="result-heading">
      <h2 id="result-heading" ref={headingRef} tabIndex={-1}>
        Your model: {run.name}
        {epochs && <span className="muted small">{epochs}</span>}
      </h2>
      <div className="headline">
        <div>
          <span className="big" data-testid="summary-accuracy">
            {pct(run.metrics.accuracy)}
          </span>
          <span>right (accuracy)</span>
        </div>
        <div>
          <span className="big" data-testid="summary-f1">
            {run.metrics.macroF1.toFixed(2)}
          </span>
          <span>
            balanced score <span className="muted small">(macro-F1, 0–1: every label counts the same)</span>
          </span>
        </div>
      </div>
      <p className={few ? 'warning small' : 'muted small'} data-testid="summary-rows" data-rows={rows} data-few={few ? 'true' : 'false'}>
        {few ? '⚠ ' : ''}Measured on {rows} example{rows === 1 ? '' : 's'} held out from training
        {few ? `: few, so one example moves accuracy by ${pct(1 / Math.max(1, rows), 0)}; more labelled data gives a surer number` : ''}.
      </p>
      {imbalance && (
        <p className="warning small" data-testid="summary-imbalance">
          ⚠ {imbalance}
        </p>
      )}
      <p data-testid="summary-kept">
        It uses {keptInWords(run)}
        {gain ? `: ${gain}` : ''}. Trained on “{run.datasetName}” ({run.labels.length} labels: {listLabels(run.labels)}){' '}
        <span className="muted small" data-testid="summary-backend">
          in this browser ({run.imported ? 'imported' : run.backend})
        </span>
        .
      </p>
      <div className="row">
        <button type="button" data-testid="result-details-button" onClick={onDetails}>
          Details
        </button>
        {!run.imported && !run.fineTune && (
          <button type="button" data-testid="result-improve" onClick={onImprove}>
            Improve (fine-tune)…
          </button>
        )}
        <button type="button" data-testid="result-export" onClick={onExport}>
          Export…
        </button>
      </div>
    </section>
  );
});

/** Everything an expert wants: every candidate, per-class scores, confusion, curves. */
export function ResultDetails({ run }: { run: RunDetail }) {
  const history = run.history;
  return (
    <div className="result-details" data-testid="result-details">
      <FineTuneDetails run={run} />
      {run.comparison && <ComparisonView comparison={run.comparison} />}
      <MetricsView labels={run.labels} metrics={run.metrics} misclassified={run.misclassified} />
      {/* A converged logistic regression has one line of validation scores, no curve to draw. */}
      {history.length > 1 && <RunCurves history={history} testIdPrefix="" />}
      <p className="muted small">
        Trained on {run.backend} · encoder {run.encoderId} · {new Date(run.createdAt).toLocaleString()}
      </p>
    </div>
  );
}

export function RunCurves({ history, testIdPrefix }: { history: RunDetail['history']; testIdPrefix: string }) {
  const last = history[history.length - 1];
  return (
    <div aria-label="Training curves" role="group">
      <h3>Training curves</h3>
      <div className="charts">
        <LineChart
          title="Loss"
          testId={`${testIdPrefix}chart-loss`}
          series={[
            { name: 'train', className: 's-train', values: history.map((h) => h.trainLoss) },
            { name: 'validation', className: 's-val', values: history.map((h) => h.valLoss) },
          ]}
        />
        <LineChart
          title="Accuracy"
          testId={`${testIdPrefix}chart-accuracy`}
          yMax={1}
          series={[
            { name: 'train', className: 's-train', values: history.map((h) => h.trainAcc) },
            { name: 'validation', className: 's-val', values: history.map((h) => h.valAcc) },
            // Fine-tuning runs measure no training accuracy (NaN): leave that line out.
          ].filter((s) => s.values.some((v) => Number.isFinite(v)))}
        />
      </div>
      <p className="muted small" data-testid={`${testIdPrefix}epoch-count`}>
        {history.length} epoch(s)
        {last && ` · last: val acc ${pct(last.valAcc)}, val macro-F1 ${last.valMacroF1.toFixed(3)}`}
      </p>
    </div>
  );
}
