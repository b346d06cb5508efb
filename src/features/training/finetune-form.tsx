// Fine-tuning hyper-parameters; every field has a default and a short explanation.
import type { FineTuneSettings } from '../../worker/protocol';
import { NumberFields, type NumberFieldSpec } from '../../components/number-fields';

export const DEFAULT_FINETUNE_SETTINGS: FineTuneSettings = {
  valFraction: 0.15,
  seed: 42,
  unfreezeLayers: 1,
  encoderLearningRate: 3e-5,
  headLearningRate: 1e-3,
  epochs: 3,
  batchSize: 16,
  warmupFraction: 0.1,
  clipNorm: 1,
  patience: 2,
  classWeights: true,
};

type NumberField = Exclude<keyof FineTuneSettings, 'classWeights' | 'method' | 'pairIterations' | 'maxPairs'>;

function fields(numLayers: number | null): NumberFieldSpec<NumberField>[] {
  return [
    {
      key: 'unfreezeLayers', label: 'Layers to unfreeze (K)', step: 1, min: 0, ...(numLayers !== null ? { max: numLayers } : {}),
      help: `top encoder layers trained with the head (0 = head only${numLayers !== null ? `, ${numLayers} = all` : ''})`,
    },
    { key: 'encoderLearningRate', label: 'Encoder learning rate', step: 0.00001, min: 0.000001, max: 0.01, help: 'low: the pre-trained layers should move a little' },
    { key: 'headLearningRate', label: 'Head learning rate', step: 0.0001, min: 0.00001, max: 1, help: 'Adam step size of the linear head' },
    { key: 'epochs', label: 'Epochs', step: 1, min: 1, max: 100, help: 'passes over the training rows' },
    { key: 'batchSize', label: 'Batch size', step: 1, min: 1, max: 256, help: 'texts per step (token ids, not cached embeddings)' },
    { key: 'warmupFraction', label: 'Warm-up fraction', step: 0.05, min: 0, max: 0.9, help: 'share of steps ramping the encoder rate up, then linear decay' },
    { key: 'clipNorm', label: 'Gradient clip norm', step: 0.1, min: 0.01, max: 100, help: 'global L2 norm the gradients are scaled down to' },
    { key: 'patience', label: 'Early-stop patience', step: 1, min: 0, max: 100, help: 'epochs without a better val macro-F1 (0 = off)' },
    { key: 'valFraction', label: 'Validation fraction', step: 0.05, min: 0.05, max: 0.5, help: 'same split as a head-only run with the same seed' },
    { key: 'seed', label: 'Seed', step: 1, min: 0, help: 'split, batch order and a fresh head' },
  ];
}

export function FineTuneForm({ value, onChange, onInvalid, disabled, numLayers }: { value: FineTuneSettings; onChange(s: FineTuneSettings): void; onInvalid(labels: string[]): void; disabled: boolean; numLayers: number | null }) {
  return (
    <fieldset className="form-grid" disabled={disabled}>
      <legend>Fine-tuning hyper-parameters</legend>
      <NumberFields fields={fields(numLayers)} value={value} onChange={onChange} onInvalid={onInvalid} testIdPrefix="ft" />
      <label className="checkbox">
        <input type="checkbox" data-testid="ft-classWeights" checked={value.classWeights} onChange={(e) => onChange({ ...value, classWeights: e.target.checked })} />
        Class weights (balance rare labels)
      </label>
    </fieldset>
  );
}
