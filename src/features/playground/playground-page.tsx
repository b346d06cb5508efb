// Live predictions while typing, and batch prediction of a CSV file.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import type { BatchChoice, BatchPreview, Explanation, Prediction } from '../../worker/protocol';
import { Bars } from '../../components/bars';
import { topIndices } from '../../components/many-labels';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { downloadFile } from '../../components/download';
import { FileInput } from '../../components/file-input';
import { RunOptions } from '../../components/run-options';
import { confidenceOf, FEW_VALIDATION_ROWS, pct, validationRows } from '../../components/format';
import { useRuns } from '../../app/use-runs';
import { WordHighlights } from './word-highlights';
import { fileNotTextReason } from './binary-file';

const DEBOUNCE_MS = 250;
/**
 * Explaining predicts 1 + words texts in one batch. When a single prediction took so little that
 * even unbatched that stays under this budget (an n-gram kept model), it runs by itself once
 * typing stops; otherwise (an encoder on WASM: seconds) it waits for the "Why?" button.
 */
const AUTO_EXPLAIN_BUDGET_MS = 1000;

export interface PlaygroundPageProps {
  active: boolean;
  runId: string | null;
  onRunSelected(id: string): void;
  /** Shown beside the playground box (the selected run's result summary). */
  lead?: ReactNode;
  /** Shown between the playground and batch prediction (the result's details). */
  between?: ReactNode;
}

/**
 * From this share of unknown pieces on, a text is mostly unreadable to the encoder: "非常好", "😀"
 * and "Отличный товар" (USE-lite: 100%, 100%, 38%) get the note; "I love 東京" (33%) does not.
 */
const MOSTLY_UNKNOWN = 0.34;

export function PlaygroundPage({ active, runId, onRunSelected, lead, between }: PlaygroundPageProps) {
  const engine = useEngine();
  const [runs, runsError, runsFresh] = useRuns(active);
  const [text, setText] = useState('');
  /** The latest answer and the run it is for. */
  const [answer, setAnswer] = useState<{ runId: string; prediction: Prediction } | null>(null);
  const [predicting, setPredicting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const batching = useEngineTask({ tasks: ['predict'] });
  /** What the last batch prediction did, in words, and its error (shown in the batch card). */
  const [batchDone, setBatchDone] = useState<string | null>(null);
  const [batchError, setBatchError] = useState<unknown>(null);
  const latest = useRef(0);
  /** The latest explanation and the run and text it is for. */
  const [explanation, setExplanation] = useState<{ runId: string; text: string; result: Explanation } | null>(null);
  const [explaining, setExplaining] = useState(false);
  const explainTicket = useRef(0);

  const explain = useCallback(
    (forRun: string, forText: string) => {
      const ticket = ++explainTicket.current;
      setExplaining(true);
      engine.call('explain', { runId: forRun, text: forText }).then(
        (result) => {
          if (ticket !== explainTicket.current) return;
          setExplanation({ runId: forRun, text: forText, result });
          setExplaining(false);
        },
        (err) => {
          if (ticket !== explainTicket.current) return;
          setError(err);
          setExplaining(false);
        },
      );
    },
    [engine],
  );

  useEffect(() => {
    // A list fetched before a run was saved elsewhere lacks it: only a fresh list may reset the choice.
    if (!runsFresh) return;
    if (runs && runs.length > 0 && (!runId || !runs.some((r) => r.id === runId))) onRunSelected(runs[0]!.id);
  }, [runs, runsFresh, runId, onRunSelected]);

  useEffect(() => {
    if (!runId || text.trim() === '') return;
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      setPredicting(true);
      engine.call('predict', { runId, texts: [text] }).then(
        (p) => {
          // Only the answer to the latest text counts: earlier ones may arrive later.
          if (ticket !== latest.current) return;
          setAnswer({ runId, prediction: p });
          setError(null);
          setPredicting(false);
          if (p.ms * (1 + wordCount(text)) <= AUTO_EXPLAIN_BUDGET_MS) explain(runId, text);
        },
        (err) => {
          if (ticket !== latest.current) return;
          setError(err);
          setPredicting(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [engine, runId, text, explain]);

  /** A batch file under review: what it would predict, before anything runs or downloads. */
  const [review, setReview] = useState<{ file: File; preview: BatchPreview } | null>(null);

  const previewFile = async (file: File, choice?: BatchChoice) => {
    setBatchError(null);
    batching.clearError();
    setBatchDone(null);
    const notText = await fileNotTextReason(file).catch((err: unknown) => `it could not be read (${String(err)})`);
    if (notText) {
      setReview(null);
      setBatchError(new Error(`${file.name} was not predicted: ${notText}.`));
      return;
    }
    try {
      setReview({ file, preview: await engine.call('predict.batchPreview', { file, fileName: file.name, ...(choice ? { choice } : {}) }) });
    } catch (err) {
      setReview(null);
      setBatchError(err);
    }
  };

  const predictFile = async (file: File, choice: BatchChoice) => {
    if (!runId) return;
    setBatchError(null);
    const out = await batching.run(
      (onEvent) => engine.call('predict.batch', { runId, file, fileName: file.name, choice }, onEvent),
      { task: 'predict', done: 0, total: 1, etaSeconds: null, detail: null },
    );
    if (!out) return;
    setReview(null);
    // Every row is kept (in order); rows with no text get a prediction too, but it rests on nothing: said.
    const empty = out.emptyRows > 0 ? ` ${out.emptyRows} of them ha${out.emptyRows === 1 ? 's' : 've'} no text: ${out.emptyRows === 1 ? 'its prediction says' : 'their predictions say'} nothing about ${out.emptyRows === 1 ? 'it' : 'them'}.` : '';
    setBatchDone(`${out.rows} row${out.rows === 1 ? '' : 's'} predicted from the text column “${out.textColumn}” of ${file.name} → ${out.fileName}.${empty}`);
    downloadFile(out.bytes, out.fileName, out.mime);
  };

  // Only an answer for the selected run and a non-empty box is shown.
  const prediction = runId && text.trim() !== '' && answer?.runId === runId ? answer.prediction : null;
  const confidence = prediction ? confidenceOf(prediction.probabilities) : null;
  const top = confidence?.top ?? -1;
  const lowConfidence = confidence?.low === true;
  // Percentages calibrated on a handful of held-out rows read as more certain than they are
  // (20 rows: "meh" → 94% happy): said under every prediction of such a model. 0: no metrics (some imports).
  const selectedRun = runs?.find((r) => r.id === runId);
  const heldOut = selectedRun ? validationRows(selectedRun.metrics.perClass ?? []) : 0;
  const shownExplanation = explanation && explanation.runId === runId && explanation.text === text ? explanation : null;
  return (
    <div className="page">
      <div className={lead ? 'try-top' : undefined}>
      {lead}
      <section className="card playground" aria-labelledby="playground-heading">
        <h2 id="playground-heading">Try it</h2>
        {runs && runs.length === 0 ? (
          <p className="muted">Train a model (or import one) first.</p>
        ) : (
          <label>
            Model
            <select data-testid="playground-run" value={runId ?? ''} onChange={(e) => onRunSelected(e.target.value)}>
              <RunOptions runs={runs} />
            </select>
          </label>
        )}
        <label>
          Text
          <textarea
            data-testid="playground-input"
            // Arabic or Hebrew typed here reads right to left (and the preview cells, explanations, mistakes too).
            dir="auto"
            rows={4}
            value={text}
            placeholder="Type something: predictions update as you type."
            onChange={(e) => {
              setText(e.target.value);
              if (e.target.value.trim() === '') {
                // A cleared box drops the last answer, and any answer still on its way.
                latest.current++;
                setAnswer(null);
                setPredicting(false);
              }
            }}
          />
        </label>
        {prediction && (
          <div data-testid="prediction">
            <p>
              Predicted: <strong data-testid="predicted-label">{prediction.labels[top]}</strong>{' '}
              <span className="muted small" data-testid="latency">
                {prediction.ms.toFixed(1)} ms{predicting ? ' · updating…' : ''}
              </span>
            </p>
            <ProbabilityBars labels={prediction.labels} probabilities={prediction.probabilities} />
            {(prediction.unknownShare?.[0] ?? 0) >= MOSTLY_UNKNOWN && (
              <p className="muted small" data-testid="unknown-text-note">
                The encoder does not know most of this text ({Math.round(prediction.unknownShare![0]! * 100)}% of its pieces are unknown to its vocabulary: other scripts, emoji), so this
                prediction says little about it. The built-in encoder reads English; for other languages, pick a BERT model trained on them (Hugging Face Hub) under Train ▸ Advanced.
              </p>
            )}
            {heldOut > 0 && heldOut < FEW_VALIDATION_ROWS && (
              <p className="muted small" data-testid="few-examples-note">
                This model was checked on only {heldOut} held-out example{heldOut === 1 ? '' : 's'}, so its percentages are rough: a high one is not a promise.
              </p>
            )}
            {lowConfidence && (
              <p className="warning small low-confidence" data-testid="low-confidence">
                Low confidence: the model is unsure between {runnerUpText(prediction, top, confidence!.second)}. Treat this as a guess; more labelled
                examples like this text would help.
              </p>
            )}
          </div>
        )}
        {prediction && runId && (
          <div className="row">
            <button type="button" data-testid="explain-button" disabled={explaining} onClick={() => explain(runId, text)}>
              {explaining ? 'Explaining…' : 'Why? Highlight the words'}
            </button>
          </div>
        )}
        {prediction && shownExplanation && <WordHighlights explanation={shownExplanation} />}
        {/* Always in the page, so the first answer is announced too (a region inserted with its content is not). */}
        <p className="sr-only" role="status" data-testid="playground-status">
          {prediction
            ? `Predicted ${prediction.labels[top]} (${pct(prediction.probabilities[top]!)})${lowConfidence ? ', low confidence' : ''}.${shownExplanation ? ' Word highlights ready.' : ''}`
            : ''}
        </p>
        <ErrorMessage error={error ?? runsError} testId="playground-error" />
      </section>
      </div>
      {between}
      <section className="card" aria-labelledby="batch-heading">
        <h2 id="batch-heading">Predict a whole file</h2>
        <p className="muted">
          Upload a CSV or JSON file with a text column; check how it is read, then get it back with <code>predicted_label</code> and one probability column per label.
        </p>
        <FileInput label="Predict a file…" accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json" testId="batch-input" disabled={!runId || batching.running} onFiles={([f]) => f && void previewFile(f)} />
        {review && (
          <div className="batch-review" data-testid="batch-preview">
            <p data-testid="batch-preview-summary">
              <strong>
                {review.preview.rows} row{review.preview.rows === 1 ? '' : 's'}, text column “{review.preview.columns[review.preview.choice.textColumn]}”
              </strong>{' '}
              in {review.file.name}. <span className="muted small">{sentence(review.preview.headerReason)}</span>
            </p>
            <div className="row">
              <label>
                Text column
                <select
                  data-testid="batch-text-column"
                  value={review.preview.choice.textColumn}
                  disabled={batching.running}
                  onChange={(e) => void previewFile(review.file, { ...review.preview.choice, textColumn: Number(e.target.value) })}
                >
                  {review.preview.columns.map((c, i) => (
                    <option key={i} value={i}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              {!review.preview.format && (
                <label className="checkbox">
                  <input
                    type="checkbox"
                    data-testid="batch-has-header"
                    checked={review.preview.choice.hasHeader}
                    disabled={batching.running}
                    // Columns renumber when the header flips: keep the choice by position.
                    onChange={(e) => void previewFile(review.file, { hasHeader: e.target.checked, textColumn: review.preview.choice.textColumn })}
                  />
                  First row is a header
                </label>
              )}
            </div>
            <ul className="muted small" data-testid="batch-sample">
              {review.preview.sampleTexts.map((t, i) => (
                <li key={i}>{t}</li>
              ))}
            </ul>
            <div className="row">
              <button type="button" className="primary" data-testid="batch-predict" disabled={!runId || batching.running} onClick={() => void predictFile(review.file, review.preview.choice)}>
                Predict and download
              </button>
              <button type="button" data-testid="batch-cancel" disabled={batching.running} onClick={() => setReview(null)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {batching.progress && <ProgressBar label="Predicting" done={batching.progress.done} total={batching.progress.total} etaSeconds={batching.progress.etaSeconds} testId="batch-progress" />}
        {batchDone && (
          <p className="ok small" data-testid="batch-summary" role="status">
            {batchDone}
          </p>
        )}
        <ErrorMessage error={batchError ?? batching.error} testId="batch-error" />
      </section>
    </div>
  );
}

/** Words the explanation would occlude (the same rule as worker/explain.ts, roughly: for the budget only). */
function wordCount(text: string): number {
  return text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
}

function runnerUpText(p: Prediction, top: number, second: number): string {
  return `“${p.labels[top]}” (${pct(p.probabilities[top]!)}) and “${p.labels[second]}” (${pct(p.probabilities[second]!)})`;
}

/** Probabilities shown before the rest is folded away (with more than twice as many labels). */
const TOP_PROBABILITIES = 5;

/**
 * One bar per label, in the labels' order, for a few labels; with many (an intent model has 77 or
 * 150) the top few, largest first, and the others under "All N labels", largest first too.
 */
function ProbabilityBars({ labels, probabilities }: { labels: string[]; probabilities: ArrayLike<number> }) {
  const bar = (i: number) => ({ label: labels[i]!, value: probabilities[i]!, text: pct(probabilities[i]!) });
  if (labels.length <= 2 * TOP_PROBABILITIES) return <Bars max={1} testIdPrefix="prob-" bars={labels.map((_, i) => bar(i))} />;
  const order = topIndices(probabilities, labels.length);
  return (
    <>
      <Bars max={1} testIdPrefix="prob-" wrap bars={order.slice(0, TOP_PROBABILITIES).map(bar)} />
      <details className="more-bars" data-testid="more-probabilities">
        <summary>
          The other {labels.length - TOP_PROBABILITIES} labels (of {labels.length}), most likely first
        </summary>
        <Bars max={1} testIdPrefix="prob-" wrap bars={order.slice(TOP_PROBABILITIES).map(bar)} />
      </details>
    </>
  );
}

/** The detection's reason ("the first row contains …") as a sentence of its own after the summary's full stop. */
function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
