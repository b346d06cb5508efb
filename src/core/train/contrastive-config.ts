// The contrastive step's settings and defaults, apart from the tfjs code so the UI can read them.

export interface ContrastiveConfig {
  /** Encoder layers unfrozen from the top (≥ 1; more than the encoder has = all). */
  unfreezeLayers: number;
  encoderLearningRate: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  seed: number;
  /** SetFit's R: each labelled row anchors this many positive and this many negative pairs. */
  iterations: number;
  /** At most this many pairs per epoch (the cost is linear in pairs: 2 texts each). */
  maxPairs: number;
  /** Pairs per optimisation step. */
  batchSize: number;
  epochs: number;
  warmupFraction: number;
  /** Tokens per text while training (the encoder's first window). */
  maxTokens: number;
  /** A checkpoint is written every this many steps (and at the end). */
  checkpointEvery: number;
}

/**
 * What bench:quality -- --fewshot measured best on IMDB with USE-lite (see the README's
 * few-shot section): SetFit's R = 20 and batch 16 pairs, one epoch, every layer unfrozen.
 */
export const DEFAULT_CONTRASTIVE_CONFIG: Readonly<ContrastiveConfig> = Object.freeze({
  unfreezeLayers: 99,
  encoderLearningRate: 5e-5,
  clipNorm: 1,
  seed: 42,
  iterations: 20,
  maxPairs: 640,
  batchSize: 16,
  epochs: 1,
  warmupFraction: 0.1,
  maxTokens: 128,
  checkpointEvery: 10,
});

