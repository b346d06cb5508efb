// The one way a run record is made: trained (head-only or fine-tuned) or imported (bundle, Hugging
// Face classifier). The builders fill what every run has the same way, so no caller forgets a field.
import type { TrainConfig } from './config';
import type { Comparison, EpochLog, FineTuneInfo, LongTextOptions, Misclassified, RunMetrics, RunRecord, RunSummary } from './records';

/** The encoder a run's head reads, as the run records it. */
export interface RunEncoder {
  encoderId: string;
  encoderHash: string;
  embeddingDim: number;
  maxSeqLength: number;
  /** The tokenizer in words (TextEncoder.tokenizerName); exports name it. */
  tokenizer: string;
}

/** The neutral config of a run that was not trained here (imports fill in what their file says). */
export const IMPORTED_CONFIG: Readonly<TrainConfig> = Object.freeze({
  valFraction: 0.15, seed: 0, epochs: 0, batchSize: 0, learningRate: 0, hiddenUnits: 0, dropout: 0, classWeights: false, patience: 0, maxWindows: 1, windowOverlap: 0,
});

/** Metrics of a run nobody measured here. */
export function unknownMetrics(): RunMetrics {
  return { accuracy: NaN, macroF1: NaN, perClass: [], confusion: [] };
}

/** "dataset · what · date", the name a trained run gets. */
export function runName(datasetName: string, createdAt: number, what?: string): string {
  return [datasetName, what, new Date(createdAt).toLocaleString()].filter(Boolean).join(' · ');
}

interface RunParts {
  id: string;
  name: string;
  createdAt: number;
  dataset: { id: string | null; name: string };
  encoder: RunEncoder;
  labels: string[];
  config: TrainConfig;
  metrics: RunMetrics;
  history: EpochLog[];
  bestEpoch: number;
  /** Default: the history's length. */
  epochsRun?: number;
  stoppedEarly?: boolean;
  stoppedByUser?: boolean;
  backend: string;
  misclassified?: Misclassified[];
  fineTune?: FineTuneInfo | undefined;
  comparison?: Comparison | undefined;
  longText?: LongTextOptions | undefined;
}

function build(p: RunParts, imported: boolean): RunRecord {
  const { encoder, dataset } = p;
  const run: RunRecord = {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    datasetId: dataset.id,
    datasetName: dataset.name,
    encoderId: encoder.encoderId,
    encoderHash: encoder.encoderHash,
    embeddingDim: encoder.embeddingDim,
    maxSeqLength: encoder.maxSeqLength,
    tokenizer: encoder.tokenizer,
    labels: p.labels,
    config: p.config,
    metrics: p.metrics,
    bestEpoch: p.bestEpoch,
    epochsRun: p.epochsRun ?? p.history.length,
    stoppedEarly: p.stoppedEarly ?? false,
    stoppedByUser: p.stoppedByUser ?? false,
    backend: p.backend,
    imported,
    history: p.history,
    misclassified: p.misclassified ?? [],
  };
  // Optional parts are absent rather than undefined, as older records are.
  if (p.fineTune) run.fineTune = p.fineTune;
  if (p.comparison) run.comparison = p.comparison;
  if (p.longText) run.longText = p.longText;
  return run;
}

/** A run trained in this browser (head-only or fine-tuned) on a stored dataset. */
export function trainedRun(p: RunParts & { dataset: { id: string; name: string } }): RunRecord {
  return build(p, false);
}

/** A run read from a file (bundle, Hugging Face classifier): no dataset here, nothing misclassified. */
export function importedRun(p: Omit<RunParts, 'dataset' | 'misclassified'> & { datasetName: string }): RunRecord {
  return build({ ...p, dataset: { id: null, name: p.datasetName } }, true);
}

/** What the run list shows: the record without its epochs and misclassified rows. */
export function runSummary(run: RunRecord): RunSummary {
  const { history: _h, misclassified: _m, ...summary } = run;
  return summary;
}
