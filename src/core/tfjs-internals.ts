// Every place TextTune reaches past tfjs's public API, in one file, so a tfjs upgrade has one
// thing to check (tests/unit/tfjs-internals.test.ts pins the version these were read from and
// exercises each one). Each says why the public API is not enough.
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs-core version the accessors below were written against. */
export const TFJS_INTERNALS_VERSION = '4.22.0';

/**
 * Whether a gradient tape is recording (inside tf.grads / variableGrads / optimizer.minimize).
 * ops.ts skips its custom-gradient wrappers outside a tape (they cost ~10% for nothing); tfjs has
 * no public way to ask.
 */
export function isRecordingGradients(): boolean {
  return (tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape != null;
}

/** Names of the variables tfjs holds now (tf.memory() counts them but does not name them). */
export function variableNames(): Set<string> {
  return new Set(Object.keys(tf.engine().registeredVariables));
}

/** Disposes the variables created since `before`: what a failed tf.loadLayersModel leaves behind. */
export function disposeVariablesSince(before: Set<string>): void {
  for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
}

/** Adam reads its (protected) learningRate on every update; this is how a warm-up/decay schedule reaches it. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}

/** tfjs's Adam keeps β₁ᵗ, β₂ᵗ in private variables (checkpoints need them); null when they are not there. */
export function adamInternals(opt: tf.Optimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } | null {
  const o = opt as unknown as { accBeta1?: unknown; accBeta2?: unknown };
  return o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable ? { accBeta1: o.accBeta1, accBeta2: o.accBeta2 } : null;
}
