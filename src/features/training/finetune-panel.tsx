// Fine-tune the top K encoder layers with a linear head: a measured time estimate, live progress
// and curves, Stop, and Resume for runs a reload or crash interrupted (checkpointed per epoch).
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import type { EncoderId, EpochLog, FineTuneEstimate, FineTuneJob, FineTuneSettings, ProgressTask, RunDetail, RunSummary } from '../../worker/protocol';
import type { RequestListener } from '../../worker/client';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { LineChart } from '../../components/line-chart';
import { formatBytes, formatSeconds } from '../../components/format';
import { DEFAULT_FINETUNE_SETTINGS, FineTuneForm } from './finetune-form';
import { headInitFor, headInitText } from '../../core/model/head-init';
import { Disclosure, useDisclosure } from '../../components/disclosure';

export interface FineTunePanelProps {
  active: boolean;
  encoderId: EncoderId;
  datasetId: string | null;
  runs: RunSummary[];
  /** A head-only training run is in progress. */
  disabled: boolean;
  /** Changes when the user asks to improve a result: the section opens and its button takes focus. */
  openSignal: number;
  onRunningChange(running: boolean): void;
  onFinished(run: RunDetail): void;
}

const TASKS: Partial<Record<ProgressTask, string>> = { 'load-encoder': 'Loading encoder', estimate: 'Timing steps', finetune: 'Fine-tuning', save: 'Saving' };
const SHOWN = Object.keys(TASKS) as ProgressTask[];

export function FineTunePanel({ active, encoderId, datasetId, runs, disabled, openSignal, onRunningChange, onFinished }: FineTunePanelProps) {
  const [openState, setOpen] = useDisclosure();
  const sectionRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (openSignal === 0) return;
    setOpen(true);
    // After the step's panel is shown: focus the section's button so the keyboard lands here.
    requestAnimationFrame(() => sectionRef.current?.querySelector<HTMLButtonElement>('[aria-expanded]')?.focus());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new signal opens it
  }, [openSignal]);
  const engine = useEngine();
  const [settings, setSettings] = useState<FineTuneSettings>(DEFAULT_FINETUNE_SETTINGS);
  const [numLayers, setNumLayers] = useState<number | null>(null);
  /** The loaded encoder's pristine weights hash (null until it is loaded): a head-only run on other weights does not carry over. */
  const [encoderHash, setEncoderHash] = useState<string | null>(null);
  /** null until the user picks one ('' is their pick of a fresh head). */
  const [chosenHeadRunId, setHeadRunId] = useState<string | null>(null);
  const [estimate, setEstimate] = useState<FineTuneEstimate | null>(null);
  const [epochs, setEpochs] = useState<EpochLog[]>([]);
  const [checkpoint, setCheckpoint] = useState(0);
  const [jobs, setJobs] = useState<FineTuneJob[]>([]);
  /** Errors of the job list and Discard (the runs' own are in their tasks). */
  const [error, setError] = useState<unknown>(null);
  // Stop ends a time estimate too (its steps take seconds each, minutes on a slow device).
  const estimating = useEngineTask({ tasks: SHOWN, stop: () => engine.call('finetune.stop', null) });
  const tuning = useEngineTask({
    tasks: SHOWN,
    onEvent: (e) => {
      if (e.type === 'epoch') setEpochs((prev) => [...prev, e.log]);
      if (e.type === 'checkpoint') setCheckpoint(e.epoch);
    },
    stop: () => engine.call('finetune.stop', null),
  });
  const busy = tuning.running ? 'run' : estimating.running ? 'estimate' : null;
  const progress = tuning.progress ?? estimating.progress;
  useEffect(() => onRunningChange(busy !== null), [busy, onRunningChange]);
  /** Labels of settings fields holding an invalid entry: nothing starts until they are fixed. */
  const [invalidFields, setInvalidFields] = useState<string[]>([]);

  const headRuns = useMemo(() => runs.filter((r) => !r.fineTune && !r.imported && r.datasetId === datasetId && r.encoderId === encoderId), [runs, datasetId, encoderId]);
  // Until the user picks (or when their pick is gone), a linear head run: it is the one that carries over.
  const headRunId =
    chosenHeadRunId === '' || (chosenHeadRunId !== null && headRuns.some((r) => r.id === chosenHeadRunId))
      ? chosenHeadRunId
      : ((headRuns.find((r) => r.config.hiddenUnits === 0) ?? headRuns[0])?.id ?? '');

  const refreshJobs = useCallback(() => {
    engine.call('finetune.jobs', null).then(setJobs, setError);
  }, [engine]);
  useEffect(() => {
    if (active) refreshJobs();
  }, [active, refreshJobs]);
  // A job another tab runs (or a reloaded tab has not released yet) becomes resumable when that
  // tab lets go of it: look again every 2 s while one is listed.
  const elsewhere = jobs.some((j) => j.runningElsewhere);
  useEffect(() => {
    if (!active || !elsewhere) return;
    const timer = setInterval(refreshJobs, 2000);
    return () => clearInterval(timer);
  }, [active, elsewhere, refreshJobs]);

  // The encoder's own news (whoever loaded it): its layer count bounds the form, its hash decides the head.
  useEngineEvents((e) => {
    if (e.type === 'encoder' && e.info.id === encoderId) {
      setNumLayers(e.info.numLayers);
      setEncoderHash(e.info.weightsHash);
    }
  });

  const runJob = async (call: (onEvent: RequestListener) => Promise<RunDetail>, history: EpochLog[]) => {
    setError(null);
    estimating.clearError();
    setEpochs(history);
    setCheckpoint(history.length);
    const run = await tuning.run(call);
    refreshJobs();
    if (run) onFinished(run);
  };

  const start = () => {
    if (!datasetId) return;
    void runJob((onEvent) => engine.call('finetune.start', { datasetId, encoderId, settings, headRunId: headRunId || null }, onEvent), []);
  };

  const resume = (job: FineTuneJob) => {
    setSettings(job.settings);
    void runJob((onEvent) => engine.call('finetune.resume', { jobId: job.id }, onEvent), job.history);
  };

  const measure = async () => {
    if (!datasetId) return;
    setError(null);
    tuning.clearError();
    setEstimate(null);
    const est = await estimating.run((onEvent) => engine.call('finetune.estimate', { datasetId, encoderId, settings }, onEvent));
    if (est) setEstimate(est);
  };

  const autoMeasure = useEffectEvent(() => {
    if (estimate || busy !== null || disabled || !datasetId || invalidFields.length > 0) return;
    void measure();
  });
  // The user asked to improve a result: its time is measured (a few real steps) unless known.
  useEffect(() => {
    if (openSignal === 0) return;
    const t = setTimeout(autoMeasure, 0);
    return () => clearTimeout(t);
  }, [openSignal]);

  // The engine's own decision (core/model/head-init.ts), so the text never promises a head it will not use.
  const headInit = headInitFor(headRuns.find((r) => r.id === headRunId), { encoderId, encoderHash, labels: null });
  const hasResult = headRuns.length > 0;
  // An unfinished run to resume, or one in progress, keeps the section open.
  const open = openState || busy !== null || jobs.some((j) => !j.running);
  const estimateMatches = estimate && estimate.epochs === settings.epochs && estimate.batchSize <= settings.batchSize;
  return (
    <div ref={sectionRef}>
    <Disclosure
      title={hasResult ? 'Improve: fine-tune the encoder' : 'Fine-tune the encoder (slower; best after a first Train)'}
      hint={
        estimate ? (
          <>
            Estimated {formatSeconds(estimate.totalSeconds)} on {estimate.backend} with these settings.
          </>
        ) : (
          <>Often a few points better than Train alone, and much slower: minutes to hours depending on the encoder and your device. Estimate time measures it here first.</>
        )
      }
      open={open}
      onToggle={setOpen}
      testId="finetune-panel"
    >
      <p className="muted small">
        Unfreezes the top layers of the encoder and trains them with a linear head on your texts (a low encoder learning rate with warm-up and decay, and
        gradient clipping). Each epoch is checkpointed in this browser, so an interrupted run can be resumed.
      </p>
      <label>
        Start the head from
        <select data-testid="ft-head-run" value={headRunId} disabled={busy !== null} onChange={(e) => setHeadRunId(e.target.value)}>
          <option value="">a fresh linear head</option>
          {headRuns.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.config.hiddenUnits === 0 ? 'linear head' : `${r.config.hiddenUnits} hidden units`})
            </option>
          ))}
        </select>
      </label>
      <p className="small" data-testid="ft-head-init" data-kind={headInit.kind}>
        {headInitText(headInit)}
      </p>
      <FineTuneForm value={settings} onChange={setSettings} onInvalid={setInvalidFields} disabled={busy !== null} numLayers={numLayers} />
      <div className="row">
        <button type="button" data-testid="ft-estimate-button" disabled={busy !== null || disabled || !datasetId || invalidFields.length > 0} onClick={() => void measure()}>
          Estimate time
        </button>
        <button type="button" className="primary" data-testid="ft-start" disabled={busy !== null || disabled || !datasetId || invalidFields.length > 0} onClick={start}>
          Fine-tune encoder
        </button>
        <button
          type="button"
          data-testid="ft-stop"
          disabled={busy === null || (busy === 'run' ? tuning.stopping : estimating.stopping)}
          onClick={busy === 'estimate' ? estimating.stop : tuning.stop}
        >
          {busy === 'estimate' ? (estimating.stopping ? 'Stopping…' : 'Stop timing') : tuning.stopping ? 'Stopping…' : 'Stop (keep best epoch)'}
        </button>
        {invalidFields.length > 0 && (
          <span className="field-error small" data-testid="ft-invalid">
            Fix {invalidFields.join(', ')} first.
          </span>
        )}
      </div>
      {estimate && (
        <p className="small" data-testid="ft-estimate" data-seconds={estimate.totalSeconds} data-backend={estimate.backend}>
          Estimated <strong>{formatSeconds(estimate.totalSeconds)}</strong> on <strong>{estimate.backend}</strong>: one step of {estimate.batchSize} texts × {estimate.seqLength} tokens took{' '}
          {estimate.stepSeconds.toFixed(3)} s (measured), × {estimate.stepsPerEpoch} steps × {estimate.epochs} epoch(s), plus validation ({estimate.evalBatchSeconds.toFixed(3)} s per
          batch).{estimateMatches ? '' : ' The settings changed since: estimate again.'}
        </p>
      )}
      {busy && progress && (
        <ProgressBar
          label={`${TASKS[progress.task] ?? progress.task}${progress.task === 'finetune' ? ` (step ${progress.done}/${progress.total})` : ''}`}
          done={progress.done}
          total={progress.total}
          etaSeconds={progress.etaSeconds}
          testId="ft-progress"
        />
      )}
      {busy === 'run' && (
        <p className="muted small" data-testid="ft-checkpoint" data-epoch={checkpoint}>
          {checkpoint > 0 ? `Checkpoint saved after epoch ${checkpoint}.` : 'No checkpoint yet (one is saved after every epoch).'}
        </p>
      )}
      <ErrorMessage error={error ?? tuning.error ?? estimating.error} testId="ft-error" />
      {epochs.length > 0 && <FineTuneCurves history={epochs} />}
      {jobs.some((j) => !j.running) && busy !== 'run' && (
        <div data-testid="ft-jobs">
          <h3>Unfinished fine-tuning runs</h3>
          <ul className="list">
            {jobs
              .filter((j) => !j.running)
              .map((j) => (
                <li key={j.id} data-testid="ft-job" data-job-id={j.id} data-epochs-done={j.epochsDone}>
                  <span>
                    {j.datasetName} · top {j.settings.unfreezeLayers} layer(s) ·{' '}
                    {j.steps ? `contrastive (few-shot), step ${j.steps.done} of ${j.steps.total || '?'}` : `epoch ${j.epochsDone} of ${j.settings.epochs}`} checkpointed · peak {formatBytes(j.peakBytes)} ·{' '}
                    {new Date(j.updatedAt).toLocaleString()}
                  </span>
                  {j.error && <span className="error small"> last attempt failed: {j.error}</span>}{' '}
                  {j.runningElsewhere ? (
                    <span className="muted small" data-testid="ft-running-elsewhere">
                      running in another tab or window
                    </span>
                  ) : (
                    <>
                      <button type="button" className="primary" data-testid="ft-resume" disabled={disabled} onClick={() => resume(j)}>
                        Resume
                      </button>{' '}
                      <button type="button" className="danger" onClick={() => void engine.call('finetune.discard', { jobId: j.id }).then(refreshJobs, setError)}>
                        Discard
                      </button>
                    </>
                  )}
                </li>
              ))}
          </ul>
        </div>
      )}
    </Disclosure>
    </div>
  );
}

function FineTuneCurves({ history }: { history: EpochLog[] }) {
  const last = history[history.length - 1]!;
  return (
    <div aria-label="Fine-tuning curves">
      <div className="charts">
        <LineChart
          title="Loss"
          testId="ft-chart-loss"
          series={[
            { name: 'train', className: 's-train', values: history.map((h) => h.trainLoss) },
            { name: 'validation', className: 's-val', values: history.map((h) => h.valLoss) },
          ]}
        />
        <LineChart
          title="Validation"
          testId="ft-chart-val"
          yMax={1}
          series={[
            { name: 'accuracy', className: 's-train', values: history.map((h) => h.valAcc) },
            { name: 'macro-F1', className: 's-val', values: history.map((h) => h.valMacroF1) },
          ]}
        />
      </div>
      <p className="muted small" data-testid="ft-history" data-epochs={history.map((h) => h.epoch).join(',')} data-losses={history.map((h) => h.trainLoss).join(',')}>
        {history.length} epoch(s) · last: train loss {last.trainLoss.toFixed(4)}, val macro-F1 {last.valMacroF1.toFixed(3)}, tensors {last.numTensors ?? '–'}
      </p>
    </div>
  );
}
