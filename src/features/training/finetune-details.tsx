// What a fine-tuned run adds to its results: layers, head origin, why it stopped, memory.
import type { RunDetail } from '../../worker/protocol';
import { formatBytes } from '../../components/format';

const STOP_TEXT = {
  completed: 'ran every epoch',
  'early-stopping': 'stopped early (no better val macro-F1)',
  user: 'stopped by you',
  'non-finite-loss': 'stopped: the loss became NaN/Inf',
} as const;

export function FineTuneDetails({ run }: { run: RunDetail }) {
  const ft = run.fineTune;
  if (!ft) return null;
  const tensors = run.history.map((h) => h.numTensors).filter((n): n is number => n !== undefined);
  return (
    <div data-testid="ft-details">
      {ft.fewShot ? (
        <p>
          Tuned the top <strong>{ft.settings.unfreezeLayers}</strong> encoder layer(s) ({ft.encoderWeightNames.length} weight tensors) contrastively on{' '}
          {ft.fewShot.pairs} pairs ({ft.fewShot.steps} steps, encoder LR {ft.settings.encoderLearningRate}), then a logistic regression on the tuned
          embeddings. {STOP_TEXT[ft.stopReason]}
          {ft.resumed > 0 ? ` · resumed ${ft.resumed}× from a checkpoint` : ''}.
        </p>
      ) : (
        <p>
          Fine-tuned the top <strong>{ft.settings.unfreezeLayers}</strong> encoder layer(s) ({ft.encoderWeightNames.length} weight tensors) with a linear head;
          encoder LR {ft.settings.encoderLearningRate}, head LR {ft.settings.headLearningRate}. Head:{' '}
          {ft.headInit.kind === 'head-run' ? `started from the linear head of “${ft.headInit.runName}”` : `started fresh (${ft.headInit.reason})`}.{' '}
          {STOP_TEXT[ft.stopReason]}
          {ft.resumed > 0 ? ` · resumed ${ft.resumed}× from a checkpoint` : ''}.
        </p>
      )}
      {ft.message && (
        <p className="warning" data-testid="ft-message">
          {ft.message}
        </p>
      )}
      <p className="muted small">
        Peak memory <span data-testid="ft-peak-memory" data-bytes={ft.peakBytes}>{formatBytes(ft.peakBytes)}</span> · tensors after each epoch:{' '}
        <span data-testid="ft-num-tensors" data-values={tensors.join(',')}>
          {tensors.join(', ') || '–'}
        </span>{' '}
        · encoder weights {run.encoderHash.slice(0, 12)}… (base {ft.baseEncoderHash.slice(0, 12)}…)
      </p>
    </div>
  );
}
