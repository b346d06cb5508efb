// Few-shot: when contrastive tuning is offered, and whether it beat the frozen encoder.
import type { CandidateScore } from '../core/train/text-model';
import type { ContrastiveResult } from '../core/train/contrastive';
import type { FewShotComparison, RunSummary } from './protocol';

/** Contrastive tuning is offered when every label has at most this many rows (SetFit's regime; above it a softmax fine-tune has signal enough). */
export const FEW_SHOT_MAX_ROWS_PER_LABEL = 64;

/**
 * Contrastive tuning takes at most this many labels. Its default 160 pairs are half positive: 80
 * same-label pairs, under 2 per label at 50 labels, so most of an intent set's 77 or 150 labels
 * would never be pulled together, while every step still runs the encoder on 32 texts. With more
 * labels, Train's n-gram + encoder models (and fine-tuning, whose head takes any number) remain.
 */
export const FEW_SHOT_MAX_LABELS = 50;

/** Whether a dataset with these label counts is small enough for the contrastive step. */
export function fewShotOffered(labelCounts: readonly number[]): boolean {
  // Pairs need ≥ 2 labels and a label with 2 rows (a positive pair).
  return labelCounts.length >= 2 && labelCounts.length <= FEW_SHOT_MAX_LABELS && labelCounts.every((c) => c <= FEW_SHOT_MAX_ROWS_PER_LABEL) && labelCounts.some((c) => c >= 2);
}

/** Why contrastive tuning is not offered for this many labels, or null. */
export function fewShotLabelLimit(labels: number): string | null {
  return labels > FEW_SHOT_MAX_LABELS
    ? `Contrastive tuning (the few-labels step) takes at most ${FEW_SHOT_MAX_LABELS} labels; this dataset has ${labels}. Its pairs would leave most labels without a pair of their own. The model above (and fine-tuning, under Improve) works with any number of labels.`
    : null;
}

const TIE = 1e-9;

/**
 * The contrastive run against the frozen Train run's kept model, by the rule every choice in
 * Train uses (higher validation macro-F1, ties → lower log-loss). Only a Train run on the same
 * dataset, validation fraction and seed has the same validation rows; another is not compared.
 */
export function compareWithFrozen(
  frozenRun: RunSummary | null,
  split: { datasetId: string; valFraction: number; seed: number },
  contrastive: Pick<CandidateScore, 'metrics' | 'valLoss'>,
  tuned: Pick<ContrastiveResult, 'pairs' | 'steps' | 'seconds'>,
): FewShotComparison {
  const c = { macroF1: contrastive.metrics.macroF1, accuracy: contrastive.metrics.accuracy, valLoss: contrastive.valLoss };
  const base = { contrastive: c, pairs: tuned.pairs, steps: tuned.steps, seconds: tuned.seconds };
  const sameRows = frozenRun && !frozenRun.fineTune && frozenRun.datasetId === split.datasetId && frozenRun.config.valFraction === split.valFraction && frozenRun.config.seed === split.seed;
  const keptScore = sameRows ? frozenRun.comparison?.candidates.find((x) => x.kind === frozenRun.comparison!.kept) : undefined;
  if (!frozenRun || !sameRows || !keptScore) {
    return { ...base, frozenRunId: frozenRun?.id ?? null, frozen: null, kept: 'contrastive', summary: `contrastive: validation macro-F1 ${pct(c.macroF1)} (no frozen Train run on the same validation rows to compare with)` };
  }
  const f = { macroF1: keptScore.metrics.macroF1, accuracy: keptScore.metrics.accuracy, valLoss: keptScore.valLoss };
  const wins = c.macroF1 > f.macroF1 + TIE || (Math.abs(c.macroF1 - f.macroF1) <= TIE && c.valLoss < f.valLoss);
  const diff = (c.macroF1 - f.macroF1) * 100;
  const points = `${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(1)} points`;
  return {
    ...base,
    frozenRunId: frozenRun.id,
    frozen: f,
    kept: wins ? 'contrastive' : 'frozen',
    summary: wins
      ? `kept: contrastive, ${points} macro-F1 over the frozen encoder's model on the same ${frozenRun.comparison!.valRows} validation rows`
      : `kept: the frozen encoder's model; contrastive scored ${points} macro-F1 on the same ${frozenRun.comparison!.valRows} validation rows`,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
