// Train a head on frozen embeddings: configure, watch live charts, stop, read the results.
import { useCallback, useEffect, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import type { DatasetMeta, EncoderId, EpochLog, ProgressTask, RunDetail, RunSummary, TrainConfig } from '../../worker/protocol';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { LineChart } from '../../components/line-chart';
import { MetricsView } from '../../components/metrics-view';
import { ComparisonView } from '../../components/comparison-view';
import { pct, validationRows } from '../../components/format';
import { DEFAULT_CONFIG, TrainForm } from './train-form';
import { FineTunePanel } from './finetune-panel';
import { FineTuneDetails } from './finetune-details';
import { FewShotPanel } from './fewshot-panel';
import { LabelNextPanel } from './label-next-panel';

const PHASE_LABEL: Partial<Record<ProgressTask, string>> = {
  download: 'Downloading encoder',
  'load-encoder': 'Loading encoder',
  embed: 'Embedding texts',
  train: 'Training and comparing models',
  save: 'Saving',
};

export interface TrainingPageProps {
  active: boolean;
  encoderId: EncoderId;
  datasetId: string | null;
  onDatasetChange(id: string): void;
  onRunSelected(id: string): void;
}

export function TrainingPage({ active, encoderId, datasetId, onDatasetChange, onRunSelected }: TrainingPageProps) {
  const engine = useEngine();
  const [datasets, setDatasets] = useState<DatasetMeta[]>([]);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [config, setConfig] = useState<TrainConfig>(DEFAULT_CONFIG);
  /** Labels of settings fields holding an invalid entry: Train waits until they are fixed. */
  const [invalidFields, setInvalidFields] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [progress, setProgress] = useState<{ task: ProgressTask; done: number; total: number; eta: number | null } | null>(null);
  const [epochs, setEpochs] = useState<EpochLog[]>([]);
  const [shown, setShown] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** A warning the engine sent during the run (e.g. embeddings not cached: storage full). */
  const [warning, setWarning] = useState<string | null>(null);
  const [fineTuning, setFineTuning] = useState(false);

  const refresh = useCallback(() => {
    engine.call('datasets.list', null).then((ds) => {
      setDatasets(ds);
      if (ds.length > 0 && (!datasetId || !ds.some((d) => d.id === datasetId))) onDatasetChange(ds[0]!.id);
    }, setError);
    engine.call('runs.list', null).then(setRuns, setError);
  }, [engine, datasetId, onDatasetChange]);
  useEffect(() => {
    if (active) refresh();
  }, [active, refresh]);

  useEngineEvents((e) => {
    if (!running) return;
    if (e.type === 'progress' && PHASE_LABEL[e.task]) setProgress({ task: e.task, done: e.done, total: e.total, eta: e.etaSeconds });
    if (e.type === 'epoch') setEpochs((prev) => [...prev, e.log]);
    if (e.type === 'log' && e.level === 'warn') setWarning(e.message);
  });

  const start = async () => {
    if (!datasetId) return;
    setError(null);
    setEpochs([]);
    setShown(null);
    setWarning(null);
    setRunning(true);
    setStopping(false);
    setProgress(null);
    try {
      const run = await engine.call('train.start', { datasetId, encoderId, config });
      setShown(run);
      onRunSelected(run.id);
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
      setProgress(null);
    }
  };

  const stop = () => {
    setStopping(true);
    void engine.call('train.stop', null);
  };

  const showRun = async (id: string) => {
    try {
      const run = await engine.call('runs.get', { id });
      setShown(run);
      setEpochs(run.history);
      onRunSelected(id);
    } catch (err) {
      setError(err);
    }
  };

  const history = shown ? shown.history : epochs;
  return (
    <div className="page">
      <section className="card">
        <h2>Train a classifier</h2>
        {datasets.length === 0 ? (
          <p className="muted">Add a dataset first (Datasets tab).</p>
        ) : (
          <label>
            Dataset
            <select data-testid="train-dataset" value={datasetId ?? ''} disabled={running} onChange={(e) => onDatasetChange(e.target.value)}>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.rowCount} rows, {d.labels.length} labels)
                </option>
              ))}
            </select>
          </label>
        )}
        <TrainForm value={config} onChange={setConfig} onInvalid={setInvalidFields} disabled={running} />
        <div className="row">
          <button
            type="button"
            className="primary"
            data-testid="train-button"
            disabled={running || fineTuning || !datasetId || invalidFields.length > 0}
            aria-describedby={invalidFields.length > 0 ? 'train-invalid' : undefined}
            onClick={() => void start()}
          >
            Train
          </button>
          <button type="button" data-testid="stop-button" disabled={!running || stopping} onClick={stop}>
            {stopping ? 'Stopping…' : 'Stop (keep best epoch)'}
          </button>
          {invalidFields.length > 0 && (
            <span className="field-error small" id="train-invalid" data-testid="train-invalid">
              Fix {invalidFields.join(', ')} first.
            </span>
          )}
        </div>
        {running && progress && (
          <ProgressBar
            label={`${PHASE_LABEL[progress.task] ?? progress.task}${progress.task === 'train' && config.hiddenUnits > 0 ? ` (epoch ${progress.done}/${progress.total})` : ''}`}
            done={progress.done}
            total={progress.total}
            etaSeconds={progress.eta}
            testId="train-progress"
          />
        )}
        {running && !progress && <p className="muted">Starting…</p>}
        <ErrorMessage error={error} testId="train-error" />
        {warning && (
          <p className="muted small" role="status" data-testid="train-warning">
            {warning}
          </p>
        )}
      </section>
      <LabelNextPanel
        run={shown}
        dataset={datasets.find((d) => d.id === datasetId) ?? null}
        runs={runs}
        disabled={running || fineTuning}
        onLabelled={(meta) => setDatasets((prev) => prev.map((d) => (d.id === meta.id ? meta : d)))}
        onRetrain={() => void start()}
      />
      <FewShotPanel
        encoderId={encoderId}
        dataset={datasets.find((d) => d.id === datasetId) ?? null}
        frozenRun={shown}
        disabled={running || fineTuning}
        onRunningChange={setFineTuning}
        onFinished={(run, keptRunId) => {
          setShown(run);
          setEpochs(run.history);
          onRunSelected(keptRunId);
          refresh();
        }}
      />
      <FineTunePanel
        active={active}
        encoderId={encoderId}
        datasetId={datasetId}
        runs={runs}
        disabled={running}
        onRunningChange={setFineTuning}
        onFinished={(run) => {
          setShown(run);
          setEpochs(run.history);
          onRunSelected(run.id);
          refresh();
        }}
      />
      {/* A converged logistic regression has one line of validation scores, no curve to draw. */}
      {history.length > 1 && (
        <section className="card" aria-label="Training curves">
          <h2>Training curves</h2>
          <div className="charts">
            <LineChart
              title="Loss"
              testId="chart-loss"
              series={[
                { name: 'train', className: 's-train', values: history.map((h) => h.trainLoss) },
                { name: 'validation', className: 's-val', values: history.map((h) => h.valLoss) },
              ]}
            />
            <LineChart
              title="Accuracy"
              testId="chart-accuracy"
              yMax={1}
              series={[
                { name: 'train', className: 's-train', values: history.map((h) => h.trainAcc) },
                { name: 'validation', className: 's-val', values: history.map((h) => h.valAcc) },
                // Fine-tuning runs measure no training accuracy (NaN): leave that line out.
              ].filter((s) => s.values.some((v) => Number.isFinite(v)))}
            />
          </div>
          <p className="muted small" data-testid="epoch-count">
            {history.length} epoch(s)
            {history.length > 0 && ` · last: val acc ${pct(history[history.length - 1]!.valAcc)}, val macro-F1 ${history[history.length - 1]!.valMacroF1.toFixed(3)}`}
          </p>
        </section>
      )}
      {shown && (
        <section className="card" data-testid="run-result" aria-label="Results">
          <h2>
            Results: {shown.name}
            <span className="muted small">
              {' '}
              best epoch {shown.bestEpoch} of {shown.epochsRun}
              {shown.stoppedByUser ? ' · stopped by you' : shown.stoppedEarly ? ' · stopped early' : ''} · {shown.backend}
            </span>
          </h2>
          <FineTuneDetails run={shown} />
          {shown.comparison && <ComparisonView comparison={shown.comparison} />}
          <MetricsView labels={shown.labels} metrics={shown.metrics} misclassified={shown.misclassified} />
        </section>
      )}
      <section className="card">
        <h2>Past runs</h2>
        {runs.length === 0 ? (
          <p className="muted">No runs yet.</p>
        ) : (
          <table className="table" data-testid="run-list">
            <thead>
              <tr>
                <th scope="col">run</th>
                <th scope="col">dataset</th>
                <th scope="col">accuracy (validation rows)</th>
                <th scope="col">macro-F1</th>
                <th scope="col">kept model</th>
                <th scope="col">when</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid="run-item" data-run-id={r.id}>
                  <td>
                    {r.name}
                    {r.imported ? ' (imported)' : ''}
                  </td>
                  <td>{r.datasetName}</td>
                  <td>
                    {pct(r.metrics.accuracy)} <span className="muted small">on {validationRows(r.metrics.perClass)}</span>
                  </td>
                  <td>{r.metrics.macroF1.toFixed(3)}</td>
                  <td>{r.comparison?.kept ?? (r.fineTune ? 'fine-tuned encoder' : 'encoder')}</td>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td className="row">
                    <button type="button" onClick={() => void showRun(r.id)}>
                      Show
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (confirm(`Delete run “${r.name}”?`)) void engine.call('runs.delete', { id: r.id }).then(refresh, setError);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
