// Live predictions while typing, and batch prediction of a CSV file.
import { useEffect, useRef, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import type { Prediction } from '../../worker/protocol';
import { Bars } from '../../components/bars';
import { ErrorMessage } from '../../components/error-message';
import { ProgressBar } from '../../components/progress-bar';
import { downloadFile } from '../../components/download';
import { pct } from '../../components/format';
import { useRuns } from '../../app/use-runs';

const DEBOUNCE_MS = 250;

export function PlaygroundPage({ active, runId, onRunSelected }: { active: boolean; runId: string | null; onRunSelected(id: string): void }) {
  const engine = useEngine();
  const [runs, runsError, runsFresh] = useRuns(active);
  const [text, setText] = useState('');
  /** The latest answer and the run it is for. */
  const [answer, setAnswer] = useState<{ runId: string; prediction: Prediction } | null>(null);
  const [predicting, setPredicting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [batch, setBatch] = useState<{ done: number; total: number; eta: number | null } | null>(null);
  const latest = useRef(0);

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
        },
        (err) => {
          if (ticket !== latest.current) return;
          setError(err);
          setPredicting(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [engine, runId, text]);

  useEngineEvents((e) => {
    if (e.type === 'progress' && e.task === 'predict') setBatch({ done: e.done, total: e.total, eta: e.etaSeconds });
  });

  const predictFile = async (file: File) => {
    if (!runId) return;
    setError(null);
    setBatch({ done: 0, total: 1, eta: null });
    try {
      const out = await engine.call('predict.batch', { runId, file, fileName: file.name });
      downloadFile(out.bytes, out.fileName, out.mime);
    } catch (err) {
      setError(err);
    } finally {
      setBatch(null);
    }
  };

  // Only an answer for the selected run and a non-empty box is shown.
  const prediction = runId && text.trim() !== '' && answer?.runId === runId ? answer.prediction : null;
  const top = prediction ? argmax(prediction.probabilities) : -1;
  return (
    <div className="page">
      <section className="card">
        <h2>Playground</h2>
        {runs && runs.length === 0 ? (
          <p className="muted">Train a model (or import one) first.</p>
        ) : (
          <label>
            Model
            <select data-testid="playground-run" value={runId ?? ''} onChange={(e) => onRunSelected(e.target.value)}>
              {(runs ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} · {r.datasetName} · acc {pct(r.metrics.accuracy)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Text
          <textarea
            data-testid="playground-input"
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
          <div data-testid="prediction" aria-live="polite">
            <p>
              Predicted: <strong data-testid="predicted-label">{prediction.labels[top]}</strong>{' '}
              <span className="muted small" data-testid="latency">
                {prediction.ms.toFixed(1)} ms{predicting ? ' · updating…' : ''}
              </span>
            </p>
            <Bars
              max={1}
              testIdPrefix="prob-"
              bars={prediction.labels.map((l, i) => ({ label: l, value: prediction.probabilities[i]!, text: pct(prediction.probabilities[i]!) }))}
            />
          </div>
        )}
        <ErrorMessage error={error ?? runsError} testId="playground-error" />
      </section>
      <section className="card">
        <h2>Batch predict</h2>
        <p className="muted">
          Upload a CSV with a text column; you get it back with <code>predicted_label</code> and one probability column per label.
        </p>
        <label className="file-button">
          Predict a CSV…
          <input
            type="file"
            accept=".csv,.tsv,.txt"
            data-testid="batch-input"
            disabled={!runId || batch !== null}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void predictFile(f);
            }}
          />
        </label>
        {batch && <ProgressBar label="Predicting" done={batch.done} total={batch.total} etaSeconds={batch.eta} testId="batch-progress" />}
      </section>
    </div>
  );
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
