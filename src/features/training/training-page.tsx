// Step 2, Train: a dataset and one Train button (the defaults work for most data); the encoder,
// speed and training settings under "Advanced"; fine-tuning offered as "Improve"; the runs table.
// The finished run's result is shown by step 3 (the app navigates there), next to the playground.
import { useEffect, useEffectEvent, useState, type ReactNode } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import { useDatasets, useRuns } from '../../app/use-runs';
import { useAnnounce } from '../../app/announcer';
import type { EncoderId, EpochLog, ProgressTask, RunDetail, TrainConfig } from '../../worker/protocol';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { StepCard } from '../../components/step-card';
import { Disclosure, useDisclosure } from '../../components/disclosure';
import { DEFAULT_CONFIG, TrainForm } from './train-form';
import { FineTunePanel } from './finetune-panel';
import { RunCurves } from './result-view';
import { RunsTable } from './runs-table';

const PHASE_LABEL: Partial<Record<ProgressTask, string>> = {
  download: 'Downloading encoder',
  'load-encoder': 'Loading encoder',
  embed: 'Embedding texts',
  train: 'Training and comparing models',
  save: 'Saving',
};
const PHASES = Object.keys(PHASE_LABEL) as ProgressTask[];

/** The last training settings, remembered across reloads (a missing or older key falls back to its default). */
const CONFIG_KEY = 'texttune.trainConfig';
function loadConfig(): TrainConfig {
  try {
    const raw = localStorage.getItem(CONFIG_KEY);
    if (!raw) return DEFAULT_CONFIG;
    const saved = JSON.parse(raw) as Partial<TrainConfig>;
    const out: Record<string, unknown> = { ...DEFAULT_CONFIG };
    // Only known keys with the default's type: a stale or hand-edited entry cannot inject junk.
    for (const [k, v] of Object.entries(saved)) {
      const d = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[k];
      if ((d === undefined && k === 'keepEncoder' && typeof v === 'boolean') || (d !== undefined && typeof v === typeof d && (typeof v !== 'number' || Number.isFinite(v)))) out[k] = v;
    }
    return out as unknown as TrainConfig;
  } catch {
    return DEFAULT_CONFIG;
  }
}
function saveConfig(c: TrainConfig): void {
  try {
    localStorage.setItem(CONFIG_KEY, JSON.stringify(c));
  } catch {
    // Not remembered when storage refuses; training is unaffected.
  }
}

/**
 * A Train in progress, per tab (sessionStorage survives a reload of the tab, not a new tab): set
 * when it starts, cleared when it ends either way. Found on load, it means the tab was reloaded or
 * crashed mid-run; Train has no checkpoint, so the page says so instead of showing the bare form
 * as if nothing had happened.
 */
const TRAINING_KEY = 'texttune.trainingInProgress';
function readInterrupted(): string | null {
  try {
    const raw = sessionStorage.getItem(TRAINING_KEY);
    return raw === null ? null : String((JSON.parse(raw) as { dataset?: unknown }).dataset ?? '');
  } catch {
    return null;
  }
}
function markTraining(dataset: string | null): void {
  try {
    if (dataset === null) sessionStorage.removeItem(TRAINING_KEY);
    else sessionStorage.setItem(TRAINING_KEY, JSON.stringify({ dataset }));
  } catch {
    // Storage refused: no notice after a reload, training is unaffected.
  }
}

export interface TrainingPageProps {
  active: boolean;
  encoderId: EncoderId;
  datasetId: string | null;
  /** The encoder and performance panels, shown under "Advanced" with the settings. */
  advanced: ReactNode;
  /** Changes when the user asks to improve the result: the fine-tune section opens and takes focus. */
  improveSignal: number;
  /** Changes when another step sends the user to the settings: Advanced opens, the encoder choice takes focus. */
  advancedSignal: number;
  /** Changes when step 3 asks to train again on the current dataset (after labelling more rows). */
  retrainSignal: number;
  selectedRunId: string | null;
  onDatasetChange(id: string): void;
  /** A run finished (train or fine-tune): the app shows its result. */
  onFinished(run: RunDetail): void;
  /** The user asked to see a stored run's result. */
  onShowRun(id: string): void;
  onGoToData(): void;
  /** Another job (few-shot tuning in step 3) holds the engine: Train and fine-tune wait. */
  otherBusy: boolean;
  onBusyChange(busy: boolean): void;
}

export function TrainingPage({ active, encoderId, datasetId, advanced, improveSignal, advancedSignal, retrainSignal, selectedRunId, onDatasetChange, onFinished, onShowRun, onGoToData, otherBusy, onBusyChange }: TrainingPageProps) {
  const engine = useEngine();
  const announce = useAnnounce();
  const datasetList = useDatasets(active);
  const datasets = datasetList.items ?? [];
  const [runList, runsError] = useRuns(active);
  const runs = runList ?? [];
  const [config, setConfigState] = useState<TrainConfig>(loadConfig);
  const setConfig = (c: TrainConfig) => {
    setConfigState(c);
    saveConfig(c);
  };
  /** Labels of settings fields holding an invalid entry: Train waits until they are fixed. */
  const [invalidFields, setInvalidFields] = useState<string[]>([]);
  const [advancedOpen, setAdvancedOpen] = useDisclosure('texttune.advancedOpen');
  useEffect(() => {
    if (advancedSignal === 0) return;
    setAdvancedOpen(true);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="encoder-select"]')?.focus());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new signal opens it
  }, [advancedSignal]);
  const [epochs, setEpochs] = useState<EpochLog[]>([]);
  /** The dataset of a Train this tab was running when it was reloaded (see TRAINING_KEY). */
  const [interrupted, setInterrupted] = useState<string | null>(readInterrupted);
  /** Errors of the lists and the runs table (the run's own is training.error). */
  const [error, setError] = useState<unknown>(null);
  /** A warning the engine sent during the run (e.g. embeddings not cached: storage full). */
  const [warning, setWarning] = useState<string | null>(null);
  const training = useEngineTask({
    tasks: PHASES,
    onEvent: (e) => {
      if (e.type === 'epoch') setEpochs((prev) => [...prev, e.log]);
      if (e.type === 'log' && e.level === 'warn') {
        setWarning(e.message);
        announce(e.message);
      }
    },
    stop: () => engine.call('train.stop', null),
  });
  const { running, progress } = training;
  // Announce each phase once, not every tick.
  const phase = running ? progress?.task : undefined;
  useEffect(() => {
    if (phase) announce(`${PHASE_LABEL[phase]}…`);
  }, [phase, announce]);
  const [fineTuning, setFineTuning] = useState(false);
  useEffect(() => onBusyChange(running || fineTuning), [running, fineTuning, onBusyChange]);

  // No dataset chosen, or the chosen one is gone: the first one. Only on a fresh list: one fetched
  // before a dataset was saved lacks it, and that is no reason to change the user's choice.
  useEffect(() => {
    const ds = datasetList.items;
    if (!active || !datasetList.fresh || !ds || ds.length === 0) return;
    if (!datasetId || !ds.some((d) => d.id === datasetId)) onDatasetChange(ds[0]!.id);
  }, [active, datasetList, datasetId, onDatasetChange]);

  const start = async () => {
    if (!datasetId) return;
    setError(null);
    setEpochs([]);
    setWarning(null);
    setInterrupted(null);
    markTraining(datasets.find((d) => d.id === datasetId)?.name ?? '');
    announce('Training started.');
    const run = await training.run((onEvent) => engine.call('train.start', { datasetId, encoderId, config }, onEvent));
    markTraining(null);
    if (!run) {
      announce('Training failed.');
      return;
    }
    onFinished(run);
  };

  // Step 3's "train again" (after labelling rows): the same Train, with the current settings.
  const retrain = useEffectEvent(() => void start());
  useEffect(() => {
    if (retrainSignal === 0) return;
    // After this render (the dataset the signal came with is set by then), not inside the effect.
    const t = setTimeout(retrain, 0);
    return () => clearTimeout(t);
  }, [retrainSignal]);

  const encoderName = encoderId === 'use-lite' ? 'the built-in encoder (USE-lite)' : encoderId.replace(/^hf:/, '').replace(/@main$/, '');
  return (
    <div className="page">
      <StepCard headingId="train-heading" title="Train a classifier" className="train-main">
        {datasets.length === 0 ? (
          <p className="muted">
            No dataset yet.{' '}
            <button type="button" className="link" onClick={onGoToData}>
              Add one in step 1 (Data)
            </button>
          </p>
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
        <p className="muted small" data-testid="train-defaults">
          The defaults work for most data: one click trains a few kinds of model on the same rows, holds {Math.round(config.valFraction * 100)}% of them out to
          check them, and keeps the best. It reads texts with {encoderName}; encoder and settings are under Advanced.
        </p>
        <div className="row">
          <button
            type="button"
            className="primary big-button"
            data-testid="train-button"
            disabled={running || fineTuning || otherBusy || !datasetId || invalidFields.length > 0}
            aria-describedby={invalidFields.length > 0 ? 'train-invalid' : undefined}
            onClick={() => void start()}
          >
            {running ? 'Training…' : 'Train'}
          </button>
          {running && (
            <button type="button" data-testid="stop-button" disabled={training.stopping} onClick={training.stop}>
              {/* Only the hidden-layer head's epochs leave something to keep: any other Stop discards the run. */}
              {training.stopping ? 'Stopping…' : config.hiddenUnits > 0 && progress?.task === 'train' ? 'Stop (keep best epoch)' : 'Stop (nothing is saved)'}
            </button>
          )}
          {invalidFields.length > 0 && (
            <span className="field-error small" id="train-invalid" data-testid="train-invalid">
              Fix {invalidFields.join(', ')} first (under Advanced).
            </span>
          )}
        </div>
        {running && progress && (
          <ProgressBar
            label={`${PHASE_LABEL[progress.task] ?? progress.task}${progress.task !== 'train' ? '' : progress.detail === 'fits' ? ` (${progress.done} of ${progress.total} fits)` : config.hiddenUnits > 0 ? ` (epoch ${progress.done}/${progress.total})` : ''}`}
            done={progress.done}
            total={progress.total}
            etaSeconds={progress.etaSeconds}
            testId="train-progress"
          />
        )}
        {running && !progress && <p className="muted">Starting…</p>}
        {interrupted !== null && !running && (
          <p className="warning small" role="status" data-testid="train-interrupted">
            The training{interrupted ? ` on “${interrupted}”` : ''} did not finish: the page was reloaded or closed while it ran, and nothing of it was
            saved. Click Train to start it again.{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                setInterrupted(null);
                markTraining(null);
              }}
            >
              Dismiss
            </button>
          </p>
        )}
        <ErrorMessage error={error ?? training.error ?? datasetList.error ?? runsError} testId="train-error" />
        {warning && (
          <p className="muted small" data-testid="train-warning">
            {warning}
          </p>
        )}
        {/* Live curves of the hidden-layer head while it trains; the finished run's are in its details. */}
        {running && epochs.length > 1 && <RunCurves history={epochs} testIdPrefix="live-" />}
      </StepCard>
      <Disclosure title="Advanced: encoder, speed and training settings" open={advancedOpen} onToggle={setAdvancedOpen} testId="train-advanced">
        {advanced}
        <TrainForm value={config} onChange={setConfig} onInvalid={setInvalidFields} disabled={running} />
      </Disclosure>
      <FineTunePanel
        active={active}
        encoderId={encoderId}
        datasetId={datasetId}
        runs={runs}
        disabled={running || otherBusy}
        openSignal={improveSignal}
        onRunningChange={setFineTuning}
        onFinished={onFinished}
      />
      <RunsTable runs={runs} selectedRunId={selectedRunId} onShow={onShowRun} onError={setError} />
    </div>
  );
}
