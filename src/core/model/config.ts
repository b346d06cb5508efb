// The hyper-parameter sets of the domain, as types. Their defaults, bounds and help text live in
// one spec table per set (specs.ts); the forms, the engine's checks and core's defaults derive from it.

/** What the head's training loop reads (core/train/head.ts); a head-only run adds the fields of TrainConfig. */
export interface HeadTrainConfig {
  epochs: number;
  batchSize: number;
  /** Adam learning rate. */
  learningRate: number;
  /** 0 = plain (multinomial) logistic regression. */
  hiddenUnits: number;
  dropout: number;
  /** Balanced class weights in the loss (see class-weights.ts); false = every row weighs 1. */
  classWeights: boolean;
  /** Seeds initialisers, shuffling and dropout: the same seed gives the same run. */
  seed: number;
  /** Epochs without a better val macro-F1 before stopping; 0 = never stop early. */
  patience: number;
}

/** Hyper-parameters of a head-only run: the head's, plus the split and how long texts are read. */
export interface TrainConfig extends HeadTrainConfig {
  valFraction: number;
  /** Encoder windows read per long text (1 = only the first window, the rest is cut). */
  maxWindows: number;
  /** Fraction of a window shared with the previous one, 0 … 0.75 (0: back to back; runs stored before it existed lack it). */
  windowOverlap: number;
  /** Keep the encoder model even when another candidate scores better (absent: keep the best). */
  keepEncoder?: boolean;
}

/** Hyper-parameters of a fine-tuning run (top K encoder layers + a linear head). */
export interface FineTuneSettings {
  valFraction: number;
  seed: number;
  /** Encoder layers unfrozen from the top: 0 = head only (on token ids), numLayers = all. */
  unfreezeLayers: number;
  encoderLearningRate: number;
  headLearningRate: number;
  epochs: number;
  batchSize: number;
  /** Share of the steps spent warming the encoder learning rate up (then it decays linearly). */
  warmupFraction: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** Epochs without a better val macro-F1 before stopping (0 = never). */
  patience: number;
  classWeights: boolean;
  /**
   * 'softmax' (absent on older records): the layers and a linear head trained on the labels.
   * 'contrastive': few-shot, SetFit-style (core/train/contrastive.ts) — the layers learn from
   * pairs of rows, then a logistic regression is fitted on the tuned embeddings.
   */
  method?: FineTuneMethod;
  /** Contrastive only: pairs each labelled row anchors (SetFit's R) and the cap on pairs. */
  pairIterations?: number;
  maxPairs?: number;
}

export type FineTuneMethod = 'softmax' | 'contrastive';
