// The hyper-parameter form; every field has a default and a short explanation.
import type { TrainConfig } from '../../worker/protocol';
import { NumberFields, type NumberFieldSpec } from '../../components/number-fields';

export const DEFAULT_CONFIG: TrainConfig = {
  valFraction: 0.15,
  seed: 42,
  epochs: 30,
  batchSize: 16,
  learningRate: 0.001,
  hiddenUnits: 0,
  dropout: 0.2,
  classWeights: true,
  patience: 8,
  maxWindows: 16,
  windowOverlap: 0,
};

type NumberField = Exclude<keyof TrainConfig, 'classWeights' | 'keepEncoder'>;

const FIELDS: NumberFieldSpec<NumberField>[] = [
  { key: 'valFraction', label: 'Validation fraction', step: 0.05, min: 0.05, max: 0.5, help: 'share of rows held out (stratified)' },
  { key: 'seed', label: 'Seed', step: 1, min: 0, help: 'same seed, same split and initial weights' },
  { key: 'epochs', label: 'Epochs', step: 1, min: 1, max: 500, help: 'passes over the training rows' },
  { key: 'batchSize', label: 'Batch size', step: 1, min: 1, max: 1024, help: 'rows per gradient step' },
  { key: 'learningRate', label: 'Learning rate', step: 0.0001, min: 0.00001, max: 1, help: 'Adam step size' },
  { key: 'maxWindows', label: 'Windows per text', step: 1, min: 1, max: 64, help: 'long texts are read in windows of the encoder’s length (1 = cut after the first)' },
  { key: 'windowOverlap', label: 'Window overlap', step: 0.25, min: 0, max: 0.75, help: 'share of each window read again by the next one (0 = back to back; 0.5 = twice the windows, twice the embedding time)' },
  { key: 'hiddenUnits', label: 'Hidden units', step: 1, min: 0, max: 2048, help: '0 = logistic regression trained to convergence (recommended); > 0 = a hidden layer trained with the settings below' },
  { key: 'dropout', label: 'Dropout', step: 0.05, min: 0, max: 0.9, help: 'on the hidden layer' },
  { key: 'patience', label: 'Early-stop patience', step: 1, min: 0, max: 500, help: 'epochs without a better val macro-F1 (0 = off)' },
];

export function TrainForm({ value, onChange, onInvalid, disabled }: { value: TrainConfig; onChange(c: TrainConfig): void; onInvalid(labels: string[]): void; disabled: boolean }) {
  return (
    <fieldset className="form-grid" disabled={disabled}>
      <legend>Hyper-parameters</legend>
      <NumberFields fields={FIELDS} value={value} onChange={onChange} onInvalid={onInvalid} testIdPrefix="cfg" />
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="cfg-classWeights"
          checked={value.classWeights}
          onChange={(e) => onChange({ ...value, classWeights: e.target.checked })}
        />
        Class weights (balance rare labels)
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="cfg-keepEncoder"
          checked={value.keepEncoder ?? false}
          onChange={(e) => onChange({ ...value, keepEncoder: e.target.checked })}
        />
        Always keep the encoder model (what the TensorFlow.js, safetensors and Hugging Face exports carry), even when n-grams or a combination score better
      </label>
    </fieldset>
  );
}
