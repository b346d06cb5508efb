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
 * What bench:quality -- --fewshot runs (README, few-shot section): SetFit's R = 20 and batch 16,
 * one epoch, the top layer at 1e-4 with a 10% warm-up, on the first 64 tokens, capped at 160 pairs
 * (10 steps) so a run takes minutes on a CPU. Its IMDB numbers with USE-lite are in the README;
 * 560 pairs through every layer at 5e-5 gave +0.25 point over the frozen encoder at 8 per class
 * (one seed, 15 minutes on the shared machine). The app compares the result with the frozen
 * model on the same validation rows and keeps the better one there.
 */
export const DEFAULT_CONTRASTIVE_CONFIG: Readonly<ContrastiveConfig> = Object.freeze({
  unfreezeLayers: 1,
  encoderLearningRate: 1e-4,
  clipNorm: 1,
  seed: 42,
  iterations: 20,
  maxPairs: 160,
  batchSize: 16,
  epochs: 1,
  warmupFraction: 0.1,
  maxTokens: 64,
  checkpointEvery: 10,
});
