// One spec table per hyper-parameter set: key, default, bounds, step and help text, defined once.
// The forms render their fields from these tables, the DEFAULT_* settings are read off them, and
// the engine checks every request against them (checkAgainstSpec), so the form and the engine
// can never disagree on a default or a bound again.
import { CodedError } from '../errors';
import { MAX_WINDOW_OVERLAP } from '../tokenizers/batch';
import { DEFAULT_CONTRASTIVE_CONFIG } from '../train/contrastive-config';
import type { FineTuneSettings, HeadTrainConfig, TrainConfig } from './config';

export interface NumberSpec {
  kind: 'number';
  label: string;
  default: number;
  min: number;
  /** Absent: no upper bound. */
  max?: number;
  step: number;
  /** Whole numbers only. */
  integer: boolean;
  help: string;
  /** May be absent from a request (older records lack it): read as `default`. */
  optional?: boolean;
  /** Left out of the defaults (the field is absent unless someone sets it). */
  absentByDefault?: boolean;
  /** Not one of the generic form's fields: another panel sets it. */
  notInForm?: boolean;
}

export interface BooleanSpec {
  kind: 'boolean';
  /** The checkbox's text. */
  label: string;
  default: boolean;
  optional?: boolean;
  absentByDefault?: boolean;
  notInForm?: boolean;
}

/** One of a few named values (a method, a policy). */
export interface ChoiceSpec<V extends string = string> {
  kind: 'choice';
  label: string;
  default: V;
  options: readonly V[];
  help: string;
  optional?: boolean;
  absentByDefault?: boolean;
  notInForm?: boolean;
}

export type FieldSpec = NumberSpec | BooleanSpec | ChoiceSpec;

/** A spec per field of T, in the order the form shows them. */
export type SpecTable<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends boolean ? BooleanSpec : NonNullable<T[K]> extends number ? NumberSpec : NonNullable<T[K]> extends string ? ChoiceSpec<NonNullable<T[K]>> : never;
};

/** Bounds that depend on the request (the encoder's layer count): they replace the table's. */
export type SpecOverrides<T> = { [K in keyof T]?: Partial<Pick<NumberSpec, 'min' | 'max' | 'help'>> };

const num = (label: string, dflt: number, min: number, max: number | undefined, step: number, help: string): NumberSpec => ({
  kind: 'number', label, default: dflt, min, ...(max !== undefined ? { max } : {}), step, integer: Number.isInteger(step), help,
});

// The fields both sets share: the same words and rules, the set's own maximum where it differs.
const valFraction = (help: string) => num('Validation fraction', 0.15, 0.05, 0.5, 0.05, help);
const seed = (help: string) => num('Seed', 42, 0, undefined, 1, help);
const epochs = (max: number) => num('Epochs', 0, 1, max, 1, 'passes over the training rows');
const batchSize = (dflt: number, max: number, help: string) => num('Batch size', dflt, 1, max, 1, help);
const patience = (dflt: number, max: number) => num('Early-stop patience', dflt, 0, max, 1, 'epochs without a better val macro-F1 (0 = off)');
const classWeights: BooleanSpec = { kind: 'boolean', label: 'Class weights (balance rare labels)', default: true };

/** A head-only run (Train). */
export const TRAIN_SPEC: Readonly<SpecTable<TrainConfig>> = Object.freeze({
  valFraction: valFraction('share of rows held out (stratified)'),
  seed: seed('same seed, same split and initial weights'),
  epochs: { ...epochs(500), default: 30 },
  batchSize: batchSize(16, 1024, 'rows per gradient step'),
  learningRate: num('Learning rate', 0.001, 0.00001, 1, 0.0001, 'Adam step size'),
  maxWindows: num('Windows per text', 16, 1, 64, 1, 'long texts are read in windows of the encoder’s length (1 = cut after the first)'),
  // Optional in a request: runs and requests from before it existed lack it (read as 0).
  windowOverlap: {
    ...num('Window overlap', 0, 0, MAX_WINDOW_OVERLAP, 0.25, 'share of each window read again by the next one (0 = back to back; 0.5 = twice the windows, twice the embedding time)'),
    optional: true,
  },
  hiddenUnits: num('Hidden units', 0, 0, 2048, 1, '0 = logistic regression trained to convergence (recommended); > 0 = a hidden layer trained with the settings below'),
  dropout: num('Dropout', 0.2, 0, 0.9, 0.05, 'on the hidden layer'),
  patience: patience(8, 500),
  classWeights,
  keepEncoder: {
    kind: 'boolean', optional: true, absentByDefault: true, default: false,
    label: 'Always keep the encoder model (what the TensorFlow.js, safetensors and Hugging Face exports carry), even when n-grams or a combination score better',
  },
});

/** A fine-tuning run. unfreezeLayers' maximum is the encoder's layer count (an override). */
export const FINETUNE_SPEC: Readonly<SpecTable<FineTuneSettings>> = Object.freeze({
  unfreezeLayers: num('Layers to unfreeze (K)', 1, 0, undefined, 1, 'top encoder layers trained with the head (0 = head only)'),
  encoderLearningRate: num('Encoder learning rate', 3e-5, 0.000001, 0.01, 0.00001, 'low: the pre-trained layers should move a little'),
  headLearningRate: num('Head learning rate', 1e-3, 0.00001, 1, 0.0001, 'Adam step size of the linear head'),
  epochs: { ...epochs(100), default: 3 },
  batchSize: batchSize(16, 256, 'texts per step (token ids, not cached embeddings)'),
  warmupFraction: num('Warm-up fraction', 0.1, 0, 0.9, 0.05, 'share of steps ramping the encoder rate up, then linear decay'),
  clipNorm: num('Gradient clip norm', 1, 0.01, 100, 0.1, 'global L2 norm the gradients are scaled down to'),
  patience: patience(2, 100),
  valFraction: valFraction('same split as a head-only run with the same seed'),
  seed: seed('split, batch order and a fresh head'),
  classWeights,
  // Contrastive (few-shot) tuning: set by its own panel (features/training/fewshot-panel.tsx).
  method: {
    kind: 'choice', label: 'Method', default: 'softmax', options: ['softmax', 'contrastive'], optional: true, absentByDefault: true, notInForm: true,
    help: 'softmax: the layers and a linear head on the labels; contrastive: pairs of rows, then a logistic regression',
  },
  pairIterations: {
    ...num('Pairs per row (R)', DEFAULT_CONTRASTIVE_CONFIG.iterations, 1, 100, 1, 'each labelled row anchors R same-label and R other-label pairs (SetFit uses 20)'),
    optional: true, absentByDefault: true, notInForm: true,
  },
  maxPairs: {
    ...num('Most pairs', DEFAULT_CONTRASTIVE_CONFIG.maxPairs, 2, 100_000, 2, 'cap on the pairs: the time grows with them'),
    optional: true, absentByDefault: true, notInForm: true,
  },
});

/** The layer-count bound of unfreezeLayers, in the form's and the engine's words. */
export function unfreezeOverrides(numLayers: number | null): SpecOverrides<FineTuneSettings> {
  return numLayers === null ? {} : { unfreezeLayers: { max: numLayers, help: `top encoder layers trained with the head (0 = head only, ${numLayers} = all)` } };
}

/** The defaults a table defines: what the forms start from. */
export function specDefaults<T>(table: SpecTable<T>): T {
  const out: Record<string, number | boolean | string> = {};
  for (const [key, spec] of Object.entries(table) as [string, FieldSpec][]) {
    if (!spec.absentByDefault) out[key] = spec.default;
  }
  return out as T;
}

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze(specDefaults<TrainConfig>(TRAIN_SPEC));
export const DEFAULT_FINETUNE_SETTINGS: Readonly<FineTuneSettings> = Object.freeze(specDefaults<FineTuneSettings>(FINETUNE_SPEC));

const HEAD_KEYS = ['epochs', 'batchSize', 'learningRate', 'hiddenUnits', 'dropout', 'classWeights', 'seed', 'patience'] as const satisfies readonly (keyof HeadTrainConfig)[];
/** The head loop's defaults (core/train/head.ts): the Train form's. */
export const DEFAULT_HEAD_TRAIN_CONFIG: Readonly<HeadTrainConfig> = Object.freeze(
  Object.fromEntries(HEAD_KEYS.map((k) => [k, DEFAULT_TRAIN_CONFIG[k]])) as unknown as HeadTrainConfig,
);

export type SettingsErrorCode = 'missing' | 'not-a-number' | 'not-an-integer' | 'out-of-range' | 'not-a-boolean' | 'not-an-option' | 'unknown-field';

/** A setting the spec refuses; `field` and `value` say which and what was received. */
export class SettingsError extends CodedError<SettingsErrorCode> {
  constructor(code: SettingsErrorCode, readonly field: string, readonly value: unknown, message: string) {
    super('SettingsError', code, message, 'BAD_ARGUMENT');
  }
}

function rangeText(s: Pick<NumberSpec, 'min' | 'max'>): string {
  return s.max === undefined ? `at least ${s.min}` : `from ${s.min} to ${s.max}`;
}

/** Why `value` is not a valid value of the number field, in the field's key; null when it is. */
export function numberProblem(key: string, s: Pick<NumberSpec, 'min' | 'max' | 'integer'>, value: unknown): { code: SettingsErrorCode; message: string } | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { code: 'not-a-number', message: `${key} must be a number ${rangeText(s)}, got ${JSON.stringify(value) ?? String(value)}` };
  if (s.integer && !Number.isInteger(value)) return { code: 'not-an-integer', message: `${key} must be a whole number ${rangeText(s)}, got ${value}` };
  if (value < s.min || (s.max !== undefined && value > s.max)) return { code: 'out-of-range', message: `${key} must be ${rangeText(s)}, got ${value}` };
  return null;
}

/**
 * Checks a settings object against its table: every field present (optional booleans may be
 * absent), numbers finite, whole where the step is, within [min, max]; no field the table lacks.
 * Throws a SettingsError naming the first bad field and the value received.
 */
export function checkAgainstSpec<T extends object>(table: SpecTable<T>, value: T, overrides: SpecOverrides<T> = {}): void {
  if (typeof value !== 'object' || value === null) throw new SettingsError('missing', 'settings', value, `settings must be an object, got ${String(value)}`);
  const specs = table as Record<string, FieldSpec>;
  const got = value as Record<string, unknown>;
  for (const key of Object.keys(got)) {
    if (!(key in specs)) throw new SettingsError('unknown-field', key, got[key], `${key} is not a setting (known: ${Object.keys(specs).join(', ')})`);
  }
  for (const [key, base] of Object.entries(specs)) {
    const v = got[key];
    if (v === undefined && base.optional) continue;
    if (base.kind === 'choice') {
      if (typeof v !== 'string' || !base.options.includes(v)) {
        throw new SettingsError(v === undefined ? 'missing' : 'not-an-option', key, v, `${key} must be one of ${base.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(v) ?? String(v)}`);
      }
      continue;
    }
    if (base.kind === 'boolean') {
      if (typeof v !== 'boolean') throw new SettingsError(v === undefined ? 'missing' : 'not-a-boolean', key, v, `${key} must be true or false, got ${String(v)}`);
      continue;
    }
    const spec = { ...base, ...(overrides as Record<string, Partial<NumberSpec>>)[key] };
    if (v === undefined) throw new SettingsError('missing', key, v, `${key} is missing: it must be a number ${rangeText(spec)}`);
    const problem = numberProblem(key, spec, v);
    if (problem) throw new SettingsError(problem.code, key, v, problem.message);
  }
}
