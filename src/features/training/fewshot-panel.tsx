// Few-shot: on a small dataset (≤ 64 rows per label) a Train run is followed by the offer of
// contrastive tuning (SetFit-style, core/train/contrastive.ts) with its measured time; the run is
// a fine-tuning job (checkpointed, resumable from the fine-tuning card) and ends compared with the
// frozen encoder's model on the same validation rows; the better one is kept.
import { useEffect, useState } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import type { DatasetMeta, EncoderId, FineTuneEstimate, FineTuneSettings, RunDetail, RunSummary } from '../../worker/protocol';
import { DEFAULT_CONTRASTIVE_CONFIG } from '../../core/train/contrastive-config';
import { FEW_SHOT_MAX_ROWS_PER_LABEL, fewShotLabelLimit, fewShotOffered } from '../../worker/fewshot';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { NumberFields, type NumberFieldSpec } from '../../components/number-fields';
import { FINETUNE_SPEC } from '../../core/model/specs';
import { formatSeconds, pct, validationRows } from '../../components/format';
import { ScrollBox } from '../../components/scroll-box';
import { Disclosure, useDisclosure } from '../../components/disclosure';

/** What the user can change here; the rest comes from the core's defaults. */
export interface FewShotKnobs {
  pairIterations: number;
  maxPairs: number;
  batchSize: number;
  encoderLearningRate: number;
}

export const DEFAULT_FEW_SHOT_KNOBS: Readonly<FewShotKnobs> = Object.freeze({
  pairIterations: DEFAULT_CONTRASTIVE_CONFIG.iterations,
  maxPairs: DEFAULT_CONTRASTIVE_CONFIG.maxPairs,
  batchSize: DEFAULT_CONTRASTIVE_CONFIG.batchSize,
  encoderLearningRate: DEFAULT_CONTRASTIVE_CONFIG.encoderLearningRate,
});

/** A knob's field from the fine-tuning spec table (core/model/specs.ts): its bounds are the engine's; `words` where a knob means pairs. */
function knob(key: keyof FewShotKnobs, words: Partial<NumberFieldSpec<keyof FewShotKnobs>> = {}): NumberFieldSpec<keyof FewShotKnobs> {
  const s = FINETUNE_SPEC[key];
  return { key, label: s.label, step: s.step, min: s.min, ...(s.max !== undefined ? { max: s.max } : {}), help: s.help, integer: s.integer, ...words };
}

const KNOB_FIELDS: NumberFieldSpec<keyof FewShotKnobs>[] = [
  knob('pairIterations'),
  knob('maxPairs'),
  // Each pair is two texts: half the fine-tuning batch cap.
  knob('batchSize', { label: 'Pairs per step', max: 128, help: 'pairs per optimisation step (two texts each)' }),
  knob('encoderLearningRate', { help: 'low, after a warm-up: the pre-trained encoder should move a little' }),
];

/** The contrastive step's settings for a Train run: its split (same validation rows), the knobs, the core's defaults for the rest. */
export function fewShotSettings(run: RunSummary, knobs: FewShotKnobs = DEFAULT_FEW_SHOT_KNOBS): FineTuneSettings {
  const c = DEFAULT_CONTRASTIVE_CONFIG;
  return {
    valFraction: run.config.valFraction,
    seed: run.config.seed,
    unfreezeLayers: c.unfreezeLayers,
    encoderLearningRate: knobs.encoderLearningRate,
    headLearningRate: 1e-3,
    epochs: c.epochs,
    batchSize: knobs.batchSize,
    warmupFraction: c.warmupFraction,
    clipNorm: c.clipNorm,
    patience: 0,
    classWeights: run.config.classWeights,
    method: 'contrastive',
    pairIterations: knobs.pairIterations,
    maxPairs: knobs.maxPairs,
  };
}

export interface FewShotPanelProps {
  encoderId: EncoderId;
  dataset: DatasetMeta | null;
  /** The Train run just finished or shown (frozen encoder); nothing is offered for other runs. */
  frozenRun: RunDetail | null;
  disabled: boolean;
  onRunningChange(running: boolean): void;
  /** The contrastive run, and the run the app keeps (it, or the frozen one). */
  onFinished(run: RunDetail, keptRunId: string): void;
}

export function FewShotPanel({ encoderId, dataset, frozenRun, disabled, onRunningChange, onFinished }: FewShotPanelProps) {
  const engine = useEngine();
  const [estimate, setEstimate] = useState<{ runId: string; value: FineTuneEstimate } | null>(null);
  const [checkpointStep, setCheckpointStep] = useState(0);
  const [knobs, setKnobs] = useState<FewShotKnobs>(DEFAULT_FEW_SHOT_KNOBS);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [result, setResult] = useState<RunDetail | null>(null);
  const timing = useEngineTask();
  const tuning = useEngineTask({
    tasks: ['finetune'],
    onEvent: (e) => {
      if (e.type === 'checkpoint' && e.step !== undefined) setCheckpointStep(e.step);
    },
    stop: () => engine.call('finetune.stop', null),
  });
  const running = tuning.running;
  const estimating = timing.running;
  const progress = tuning.progress;
  useEffect(() => onRunningChange(running), [running, onRunningChange]);
  // Closed until asked for: an optional, expert step right under a first result (a run or a result
  // keeps it open; an expert who opened it keeps it open after a reload).
  const [openState, setOpen] = useDisclosure('texttune.fewshot.open', false);

  const offered = !!dataset && !!frozenRun && !frozenRun.fineTune && !frozenRun.imported && frozenRun.datasetId === dataset.id
    && fewShotOffered(dataset.labelCounts);
  const runId = offered ? frozenRun.id : null;

  // Timing takes a few real steps, during which the encoder is busy: on request, not on every Train.
  const measure = async () => {
    if (!runId || !frozenRun) return;
    tuning.clearError();
    // Its progress is not shown: the button says "Timing…".
    const value = await timing.run(() => engine.call('finetune.estimate', { datasetId: frozenRun.datasetId!, encoderId, settings: fewShotSettings(frozenRun, knobs) }));
    if (value) setEstimate({ runId, value });
  };

  const labelLimit = dataset && frozenRun && !frozenRun.fineTune && !frozenRun.imported && frozenRun.datasetId === dataset.id ? fewShotLabelLimit(dataset.labels.length) : null;
  if (labelLimit && !result) {
    return (
      <p className="muted small" data-testid="fewshot-label-limit">
        {labelLimit}
      </p>
    );
  }
  if (!offered && !result) return null;

  const start = async () => {
    if (!frozenRun) return;
    timing.clearError();
    setResult(null);
    setCheckpointStep(0);
    const run = await tuning.run((onEvent) =>
      engine.call('finetune.start', { datasetId: frozenRun.datasetId!, encoderId, settings: fewShotSettings(frozenRun, knobs), headRunId: frozenRun.id }, onEvent),
    );
    if (!run) return;
    setResult(run);
    const fs = run.fineTune?.fewShot;
    onFinished(run, fs?.kept === 'frozen' && fs.frozenRunId ? fs.frozenRunId : run.id);
  };

  const fs = result?.fineTune?.fewShot;
  const baseline = result?.comparison?.candidates.find((c) => c.kind === 'baseline');
  const est = estimate && estimate.runId === runId ? estimate.value : null;
  return (
    <Disclosure
      title="Few labels? Tune the encoder on pairs of your rows (optional)"
      hint={<>Each label has at most {FEW_SHOT_MAX_ROWS_PER_LABEL} rows. This can add a few points there; it is compared with the model above on the same rows, and the better one is kept.</>}
      open={openState || running || !!result}
      onToggle={setOpen}
      testId="fewshot-panel"
    >
      <p className="muted small">
        Every label has at most {FEW_SHOT_MAX_ROWS_PER_LABEL} rows, where contrastive tuning (SetFit) helps most: the encoder learns from pairs of
        your rows — same label close, different labels apart — then a logistic regression is fitted on the tuned embeddings and compared with
        the frozen encoder's model on the same validation rows. The better one is kept.
      </p>
      <fieldset className="form-grid" disabled={running}>
        <legend>Contrastive settings</legend>
        <NumberFields fields={KNOB_FIELDS} value={knobs} onChange={(k) => { setKnobs(k); setEstimate(null); }} onInvalid={setInvalid} testIdPrefix="fs" />
      </fieldset>
      {est && (
        <p data-testid="fewshot-estimate">
          About <strong>{formatSeconds(est.totalSeconds)}</strong> on {est.backend}: {est.stepsPerEpoch * est.epochs} steps of {knobs.batchSize} pairs.
        </p>
      )}
      <div className="row">
        <button type="button" data-testid="fewshot-estimate-button" disabled={disabled || running || estimating || !offered || invalid.length > 0} onClick={() => void measure()}>
          {estimating ? 'Timing…' : 'Estimate time'}
        </button>
        <button type="button" className="primary" data-testid="fewshot-start" disabled={disabled || running || estimating || !offered || invalid.length > 0} onClick={() => void start()}>
          Tune contrastively
        </button>
        <button
          type="button"
          data-testid="fewshot-stop"
          disabled={!running || tuning.stopping}
          onClick={tuning.stop}
        >
          {tuning.stopping ? 'Stopping…' : 'Stop (keep the steps so far)'}
        </button>
      </div>
      {running && progress && <ProgressBar label="Contrastive tuning (steps)" done={progress.done} total={progress.total} etaSeconds={progress.etaSeconds} testId="fewshot-progress" />}
      {running && checkpointStep > 0 && (
        <p className="muted small" data-testid="fewshot-checkpoint" data-step={checkpointStep}>
          Checkpoint saved at step {checkpointStep}: after a reload, the fine-tuning card offers Resume.
        </p>
      )}
      <ErrorMessage error={tuning.error ?? timing.error} testId="fewshot-error" />
      {fs && (
        <div data-testid="fewshot-result">
          <ScrollBox label="Models compared on the validation rows">
            <table className="table">
              <caption className="muted small">Validation rows ({validationCount(result!)}), the same for every model</caption>
              <thead>
                <tr>
                  <th scope="col">model</th>
                  <th scope="col">accuracy</th>
                  <th scope="col">macro-F1</th>
                </tr>
              </thead>
              <tbody>
                {baseline && (
                  <tr>
                    <td>n-grams (TF-IDF + logistic regression)</td>
                    <td>{pct(baseline.metrics.accuracy)}</td>
                    <td>{baseline.metrics.macroF1.toFixed(3)}</td>
                  </tr>
                )}
                {fs.frozen && (
                  <tr data-testid="fewshot-frozen">
                    <td>frozen encoder (Train's kept model)</td>
                    <td>{pct(fs.frozen.accuracy)}</td>
                    <td>{fs.frozen.macroF1.toFixed(3)}</td>
                  </tr>
                )}
                <tr data-testid="fewshot-contrastive">
                  <td>contrastive ({fs.pairs} pairs, {fs.steps} steps, {formatSeconds(fs.seconds)})</td>
                  <td>{pct(fs.contrastive.accuracy)}</td>
                  <td>{fs.contrastive.macroF1.toFixed(3)}</td>
                </tr>
              </tbody>
            </table>
          </ScrollBox>
          <p data-testid="fewshot-summary">
            <strong>{fs.summary}</strong>
          </p>
        </div>
      )}
    </Disclosure>
  );
}

function validationCount(run: RunSummary): number {
  return run.comparison?.valRows ?? validationRows(run.metrics.perClass);
}
