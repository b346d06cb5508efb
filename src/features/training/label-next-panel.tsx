// Label the next examples (active learning by uncertainty): after a run on a dataset with
// unlabelled rows, the kept model predicts them and the N with the smallest margin between its two
// most likely labels are proposed; the user labels them in place (a number per label, Enter to
// accept, or a click), each label is stored at once, and one click re-trains. Validation macro-F1
// per round is the dataset's runs in order.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import type { DatasetMeta, RunDetail, RunSummary } from '../../worker/protocol';
import { ErrorMessage } from '../../components/error-message';
import { pct } from '../../components/format';
import { ScrollBox } from '../../components/scroll-box';

/** Rows proposed per round. */
export const PROPOSALS = 5;
/** Unlabelled rows scored per round (the first ones of the file): predicting is cheap, not free. */
export const SCORED_MAX = 500;

/** Indices of the `n` rows whose top-two probabilities are closest (smallest margin first; ties → file order). */
export function leastSure(probabilities: ArrayLike<number>, k: number, n: number): { index: number; margin: number; top: number }[] {
  const rows = probabilities.length / k;
  const out: { index: number; margin: number; top: number }[] = [];
  for (let i = 0; i < rows; i++) {
    let first = 0;
    let second = -1;
    for (let c = 1; c < k; c++) {
      const p = probabilities[i * k + c]!;
      if (p > probabilities[i * k + first]!) {
        second = first;
        first = c;
      } else if (second < 0 || p > probabilities[i * k + second]!) second = c;
    }
    out.push({ index: i, margin: probabilities[i * k + first]! - (second < 0 ? 0 : probabilities[i * k + second]!), top: first });
  }
  return out.sort((a, b) => a.margin - b.margin || a.index - b.index).slice(0, n);
}

interface Proposal {
  line: number;
  text: string;
  guess: string;
  guessProb: number;
  /** The label picked (by number or click) and not yet accepted. */
  picked: string | null;
  /** Stored with this label. */
  done: string | null;
}

export interface LabelNextPanelProps {
  run: RunDetail | null;
  dataset: DatasetMeta | null;
  runs: RunSummary[];
  disabled: boolean;
  onRetrain(): void;
}

export function LabelNextPanel({ run, dataset, runs, disabled, onRetrain }: LabelNextPanelProps) {
  const engine = useEngine();
  const [proposals, setProposals] = useState<{ runId: string; items: Proposal[] } | null>(null);
  /** Proposing rows failed (a label's own failure is labelling.error). */
  const [error, setError] = useState<unknown>(null);
  const labelling = useEngineTask();
  // Stays up once it proposed rows for this run, even when the last unlabelled row got its label.
  const eligible = !!run && !!dataset && run.datasetId === dataset.id && !run.imported;
  const runId = eligible && ((dataset.unlabelledCount ?? 0) > 0 || proposals?.runId === run.id) ? run.id : null;

  useEffect(() => {
    if (!runId || !run || disabled || proposals?.runId === runId) return;
    let cancelled = false;
    (async () => {
      const rows = (await engine.call('datasets.unlabelled', { id: run.datasetId! })).slice(0, SCORED_MAX);
      if (rows.length === 0) return;
      const pred = await engine.call('predict', { runId, texts: rows.map((r) => r.text) });
      const k = pred.labels.length;
      const items = leastSure(pred.probabilities, k, PROPOSALS).map(({ index, top }) => ({
        line: rows[index]!.line, text: rows[index]!.text, guess: pred.labels[top]!, guessProb: pred.probabilities[index * k + top]!, picked: null, done: null,
      }));
      if (!cancelled) setProposals({ runId, items });
    })().catch((err) => !cancelled && setError(err));
    return () => {
      cancelled = true;
    };
  }, [engine, runId, run, disabled, proposals]);

  const rounds = useMemo(
    () => (dataset ? runs.filter((r) => r.datasetId === dataset.id && !r.fineTune && !r.imported).sort((a, b) => a.createdAt - b.createdAt) : []),
    [runs, dataset],
  );
  if (!runId || !dataset) return null;
  const items = proposals?.runId === runId ? proposals.items : [];
  const labelledNow = items.filter((p) => p.done).length;
  // Number keys reach 9 labels; a button per label past that is a wall (an intent set has 150).
  const manyLabels = dataset.labels.length > 9;

  const update = (line: number, change: Partial<Proposal>) =>
    setProposals((prev) => (prev ? { ...prev, items: prev.items.map((p) => (p.line === line ? { ...p, ...change } : p)) } : prev));

  const accept = async (p: Proposal, label: string) => {
    setError(null);
    const meta = await labelling.run(() => engine.call('datasets.label', { id: dataset.id, line: p.line, label }));
    if (!meta) return;
    // The dataset's new counts reach every list through the engine's change event.
    update(p.line, { done: label, picked: null });
  };

  const onKey = (e: KeyboardEvent<HTMLLIElement>, p: Proposal) => {
    if (p.done) return;
    const n = Number(e.key);
    if (!manyLabels && Number.isInteger(n) && n >= 1 && n <= dataset.labels.length) {
      e.preventDefault();
      update(p.line, { picked: dataset.labels[n - 1]! });
    } else if (e.key === 'Enter' && p.picked) {
      e.preventDefault();
      const next = (e.currentTarget.nextElementSibling as HTMLElement | null) ?? null;
      void accept(p, p.picked).then(() => next?.focus());
    }
  };

  const unlabelled = dataset.unlabelledCount ?? 0;
  return (
    <section className="card" aria-labelledby="label-next-title" data-testid="label-next">
      <h2 id="label-next-title">Label the next examples</h2>
      <p className="muted small">
        {unlabelled === 1 ? `1 row of “${dataset.name}” has no label` : `${unlabelled} rows of “${dataset.name}” have no label`}.{' '}
        {unlabelled <= PROPOSALS ? (unlabelled === 1 ? 'Here it is' : 'Here they are') : `These are the ${PROPOSALS} the model is least sure about`}{' '}
        (least sure first: the smallest lead of its first guess over its second): label them —{' '}
        {manyLabels ? (
          <>pick each row&apos;s label in its list ({dataset.labels.length} labels, the model&apos;s guess first)</>
        ) : (
          <>focus a row, press a number ({dataset.labels.map((l, i) => `${i + 1} = ${l}`).join(', ')}), then Enter; or click a label</>
        )}{' '}
        — and train again.
      </p>
      <ol className="label-next-list" data-testid="label-next-list">
        {items.map((p) => (
          <li key={p.line} tabIndex={0} data-testid="label-next-item" data-line={p.line} data-done={p.done ?? ''} onKeyDown={(e) => onKey(e, p)}
            aria-label={`line ${p.line}: ${p.text}${p.done ? `, labelled ${p.done}` : p.picked ? `, ${p.picked} picked, Enter to accept` : ''}`}>
            <span className="label-next-text">{p.text}</span>{' '}
            <span className="muted small">
              (line {p.line}; the model says {p.guess}, {pct(p.guessProb)})
            </span>
            <span className="row">
              {p.done ? (
                <strong data-testid="label-next-done">labelled: {p.done}</strong>
              ) : manyLabels ? (
                <select aria-label={`Label for line ${p.line}`} data-testid="label-next-select" value="" onChange={(e) => e.target.value && void accept(p, e.target.value)}>
                  <option value="">Choose its label…</option>
                  {[p.guess, ...dataset.labels.filter((l) => l !== p.guess)].map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              ) : (
                dataset.labels.map((l, i) => (
                  <button key={l} type="button" aria-pressed={p.picked === l} data-testid={`label-next-pick-${i + 1}`} onClick={() => void accept(p, l)}>
                    {i + 1} · {l}
                  </button>
                ))
              )}
            </span>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" className="primary" data-testid="label-next-retrain" disabled={disabled || labelledNow === 0} onClick={onRetrain}>
          Train again with {labelledNow} new label(s)
        </button>
      </div>
      <ErrorMessage error={error ?? labelling.error} testId="label-next-error" />
      {rounds.length > 0 && (
        <ScrollBox label="Validation macro-F1 per round">
          <table className="table" data-testid="label-next-rounds">
            <caption className="muted small">Validation macro-F1 per round (every Train on this dataset, oldest first)</caption>
            <thead>
              <tr>
                <th scope="col">round</th>
                <th scope="col">validation macro-F1</th>
                <th scope="col">validation rows</th>
              </tr>
            </thead>
            <tbody>
              {rounds.map((r, i) => (
                <tr key={r.id} data-testid="label-next-round">
                  <td>{i + 1}</td>
                  <td>{r.metrics.macroF1.toFixed(3)}</td>
                  <td>{r.metrics.perClass.reduce((s, c) => s + c.support, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </section>
  );
}
