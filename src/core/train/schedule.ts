// Learning-rate schedule for fine-tuning: linear warm-up, then linear decay to zero — the
// schedule BERT-style fine-tuning uses, so a low encoder rate ramps in gently and fades out.
import { TrainError } from './errors';

/** Multiplier in [0, 1] for step `step` (0-based) of `totalSteps`. */
export function warmupLinearDecay(step: number, totalSteps: number, warmupFraction: number): number {
  if (totalSteps <= 0) throw new TrainError('invalid-argument', `totalSteps must be positive; received ${totalSteps}`);
  if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new TrainError('invalid-argument', `warmupFraction must be in [0, 1); received ${warmupFraction}`);
  const warmup = Math.max(1, Math.round(totalSteps * warmupFraction));
  if (step < warmup) return (step + 1) / warmup;
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
}
