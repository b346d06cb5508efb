// Fine-tuning: the top k encoder layers and a softmax head trained together on token ids.
// Two Adam optimizers, because the encoder wants a learning rate ~100× lower than the head;
// gradients are clipped by their global norm before either optimizer sees them.

import * as tf from '@tensorflow/tfjs-core';
import type { TextEncoder } from '../encoders/types';
import { DEFAULT_FINETUNE_SETTINGS } from '../model/specs';
import { TrainError } from './errors';
import { adamInternals, setLearningRate } from '../tfjs-internals';

export interface FineTuneConfig {
  /** Encoder layers unfrozen from the top (0 = head only, on the fly). */
  unfreezeLayers: number;
  encoderLearningRate: number;
  headLearningRate: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  seed: number;
}

/** The fine-tune form's defaults (one spec table, core/model/specs.ts). */
export const DEFAULT_FINETUNE_CONFIG: FineTuneConfig = {
  unfreezeLayers: DEFAULT_FINETUNE_SETTINGS.unfreezeLayers,
  encoderLearningRate: DEFAULT_FINETUNE_SETTINGS.encoderLearningRate,
  headLearningRate: DEFAULT_FINETUNE_SETTINGS.headLearningRate,
  clipNorm: DEFAULT_FINETUNE_SETTINGS.clipNorm,
  seed: DEFAULT_FINETUNE_SETTINGS.seed,
};

export class NonFiniteLossError extends TrainError {
  constructor(readonly step: number, readonly loss: number) {
    super('non-finite-loss', `training loss became ${loss} at step ${step}; the run was stopped and the last good weights kept`, 'NonFiniteLossError');
  }
}

export interface StepBatch {
  ids: Int32Array;
  mask: Float32Array;
  batch: number;
  seqLength: number;
  labels: Int32Array;
  /** Optional per-example weights (class weights). */
  weights?: Float32Array;
}

/**
 * One Adam optimizer's state as plain arrays: its step count and both moments of every variable,
 * keyed by a stable name (a weight's file name, or head/kernel, head/bias), because tfjs variable
 * names change from one worker to the next. Without it a resumed run restarted Adam's moments
 * and was not the run it continued.
 */
export interface AdamState {
  iterations: number;
  /** β₁ᵗ and β₂ᵗ as the optimizer accumulated them (tfjs recomputes them as pow() on restore, off by an ulp). */
  accBeta?: [number, number];
  /** In the optimizer's own (first-update) order. */
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

export interface FineTunerState {
  encoder: AdamState;
  head: AdamState;
}

export class FineTuner {
  readonly headKernel: tf.Variable;
  readonly headBias: tf.Variable;
  private readonly encoderOptimizer: tf.Optimizer;
  private readonly headOptimizer: tf.Optimizer;
  private readonly encoderVars: tf.Variable[];
  private steps = 0;

  constructor(
    private readonly encoder: TextEncoder,
    readonly numClasses: number,
    readonly config: FineTuneConfig = DEFAULT_FINETUNE_CONFIG,
    head?: { kernel: tf.Tensor2D; bias: tf.Tensor1D },
  ) {
    if (!Number.isInteger(numClasses) || numClasses < 2) throw new TrainError('invalid-argument', `numClasses must be an integer ≥ 2; received ${numClasses}`);
    this.encoderVars = encoder.trainableVariables(config.unfreezeLayers);
    for (const v of this.encoderVars) (v as { trainable: boolean }).trainable = true;
    const suffix = Math.random().toString(36).slice(2);
    const kernel = head ? head.kernel.clone() : tf.randomNormal([encoder.dim, numClasses], 0, 1 / Math.sqrt(encoder.dim), 'float32', config.seed);
    const bias = head ? head.bias.clone() : tf.zeros([numClasses]);
    this.headKernel = tf.variable(kernel, true, `head/kernel/${suffix}`);
    this.headBias = tf.variable(bias, true, `head/bias/${suffix}`);
    tf.dispose([kernel, bias]);
    this.encoderOptimizer = tf.train.adam(config.encoderLearningRate);
    this.headOptimizer = tf.train.adam(config.headLearningRate);
  }

  /** Logits for a padded batch (inference: no gradient tape is kept by the caller). */
  logits(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(this.encoder.forward(ids, mask), this.headKernel), this.headBias));
  }

  /** One optimisation step; resolves to the batch loss. Throws NonFiniteLossError before applying a bad update. */
  async step(batch: StepBatch, encoderLrScale = 1): Promise<number> {
    const ids = tf.tensor2d(batch.ids, [batch.batch, batch.seqLength], 'int32');
    const mask = tf.tensor2d(batch.mask, [batch.batch, batch.seqLength], 'float32');
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), this.numClasses));
    const weights = batch.weights ? tf.tensor1d(batch.weights, 'float32') : null;
    try {
      return await this.lossStep(() => {
        const logits = this.logits(ids, mask);
        const perExample = tf.losses.softmaxCrossEntropy(labels, logits, undefined, undefined, tf.Reduction.NONE);
        const weighted = weights ? tf.mul(perExample, weights) : perExample;
        return tf.div(tf.sum(weighted), weights ? tf.sum(weights) : batch.batch) as tf.Scalar;
      }, encoderLrScale);
    } finally {
      tf.dispose([ids, mask, labels]);
      if (weights) weights.dispose();
    }
  }

  /**
   * One optimisation step on any scalar loss of the trainable variables (the softmax loss above,
   * or contrastive.ts's cosine-similarity loss, which never touches the head). Gradients are
   * clipped together; variables the loss does not reach are left alone.
   */
  async lossStep(loss: () => tf.Scalar, encoderLrScale = 1): Promise<number> {
    const vars = [...this.encoderVars, this.headKernel, this.headBias];
    let lossTensor: tf.Scalar | null = null;
    let grads: tf.NamedTensorMap | null = null;
    try {
      const result = tf.variableGrads(loss, vars);
      lossTensor = result.value;
      grads = result.grads;
      const value = (await lossTensor.data())[0];
      this.steps++;
      if (!Number.isFinite(value)) throw new NonFiniteLossError(this.steps, value);
      const clipped = clipByGlobalNorm(grads, this.config.clipNorm);
      try {
        const headGrads: tf.NamedTensorMap = {};
        const encoderGrads: tf.NamedTensorMap = {};
        for (const v of vars) {
          const g = clipped[v.name];
          if (!g) continue;
          if (v === this.headKernel || v === this.headBias) headGrads[v.name] = g;
          else encoderGrads[v.name] = g;
        }
        if (Object.keys(headGrads).length > 0) this.headOptimizer.applyGradients(headGrads);
        if (Object.keys(encoderGrads).length > 0) {
          setLearningRate(this.encoderOptimizer, this.config.encoderLearningRate * encoderLrScale);
          this.encoderOptimizer.applyGradients(encoderGrads);
        }
      } finally {
        tf.dispose(Object.values(clipped));
      }
      return value;
    } finally {
      if (lossTensor) lossTensor.dispose();
      if (grads) tf.dispose(Object.values(grads));
    }
  }

  /** Global L2 norm of each trainable variable's gradient on a batch (no update is applied). */
  async gradientNorms(batch: StepBatch): Promise<Map<string, number>> {
    const ids = tf.tensor2d(batch.ids, [batch.batch, batch.seqLength], 'int32');
    const mask = tf.tensor2d(batch.mask, [batch.batch, batch.seqLength], 'float32');
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), this.numClasses));
    const vars = [...this.encoderVars, this.headKernel, this.headBias];
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(labels, this.logits(ids, mask)) as tf.Scalar,
      vars,
    );
    try {
      const norms = new Map<string, number>();
      for (const v of vars) {
        const g = grads[v.name];
        if (!g) {
          norms.set(v.name, 0);
          continue;
        }
        const n = tf.norm(g);
        norms.set(v.name, (await n.data())[0]);
        n.dispose();
      }
      return norms;
    } finally {
      tf.dispose([ids, mask, labels, value, ...Object.values(grads)]);
    }
  }

  /** Class probabilities, row-major [batch, numClasses]. */
  async predict(ids: Int32Array, mask: Float32Array, batch: number, seqLength: number): Promise<Float32Array> {
    const idsT = tf.tensor2d(ids, [batch, seqLength], 'int32');
    const maskT = tf.tensor2d(mask, [batch, seqLength], 'float32');
    try {
      const probs = tf.tidy(() => tf.softmax(this.logits(idsT, maskT)));
      try {
        return (await probs.data()) as Float32Array;
      } finally {
        probs.dispose();
      }
    } finally {
      tf.dispose([idsT, maskT]);
    }
  }

  /**
   * Both optimizers' state. `nameOf` maps an encoder variable to a name that survives a reload
   * (the weight's file name); the head's variables are "head/kernel" and "head/bias".
   */
  async optimizerState(nameOf: (variableName: string) => string): Promise<FineTunerState> {
    const stable = (variableName: string) =>
      variableName === this.headKernel.name ? 'head/kernel' : variableName === this.headBias.name ? 'head/bias' : nameOf(variableName);
    const read = async (opt: tf.Optimizer): Promise<AdamState> => {
      const [iter, ...rest] = await opt.getWeights();
      const n = rest.length / 2;
      const moments: AdamState['moments'] = [];
      for (let i = 0; i < n; i++) {
        const m = rest[i]!;
        moments.push({
          name: stable(m.name.replace(/\/m$/, '')),
          shape: m.tensor.shape.slice(),
          m: ((await m.tensor.data()) as Float32Array).slice(),
          v: ((await rest[n + i]!.tensor.data()) as Float32Array).slice(),
        });
      }
      const iterations = iter ? (await iter.tensor.data())[0]! : 0;
      if (iter) iter.tensor.dispose(); // saveIterations makes a fresh scalar; the moments are the optimizer's own.
      const acc = adamInternals(opt);
      const accBeta: [number, number] | undefined = acc ? [(await acc.accBeta1.data())[0]!, (await acc.accBeta2.data())[0]!] : undefined;
      return { iterations, moments, ...(accBeta ? { accBeta } : {}) };
    };
    return { encoder: await read(this.encoderOptimizer), head: await read(this.headOptimizer) };
  }

  /** Puts back what optimizerState saved (on a fresh FineTuner over the same variables). */
  async restoreOptimizerState(state: FineTunerState, nameOf: (variableName: string) => string): Promise<void> {
    const byStable = new Map<string, string>([['head/kernel', this.headKernel.name], ['head/bias', this.headBias.name]]);
    for (const v of this.encoderVars) byStable.set(nameOf(v.name), v.name);
    const write = async (opt: tf.Optimizer, s: AdamState, what: string) => {
      const iter = tf.scalar(s.iterations, 'int32');
      const ms: tf.Tensor[] = [];
      const vs: tf.Tensor[] = [];
      try {
        const named = s.moments.map((x) => {
          const variable = byStable.get(x.name);
          if (variable === undefined) throw new TrainError('invalid-argument', `the checkpoint's ${what} optimizer state names "${x.name}", which this run does not train`);
          ms.push(tf.tensor(x.m, x.shape, 'float32'));
          vs.push(tf.tensor(x.v, x.shape, 'float32'));
          return variable;
        });
        await opt.setWeights([
          { name: 'iter', tensor: iter },
          ...named.map((n, i) => ({ name: `${n}/m`, tensor: ms[i]! })),
          ...named.map((n, i) => ({ name: `${n}/v`, tensor: vs[i]! })),
        ]);
      } finally {
        // The optimizer's variables keep their own reference to the data.
        tf.dispose([iter, ...ms, ...vs]);
      }
      const acc = adamInternals(opt);
      if (acc && s.accBeta) {
        const [b1, b2] = s.accBeta;
        tf.tidy(() => {
          acc.accBeta1.assign(tf.scalar(b1));
          acc.accBeta2.assign(tf.scalar(b2));
        });
      }
    };
    await write(this.encoderOptimizer, state.encoder, 'encoder');
    await write(this.headOptimizer, state.head, 'head');
    this.steps = Math.max(state.head.iterations, state.encoder.iterations);
  }

  dispose(): void {
    for (const v of this.encoderVars) (v as { trainable: boolean }).trainable = false;
    this.encoderOptimizer.dispose();
    this.headOptimizer.dispose();
    this.headKernel.dispose();
    this.headBias.dispose();
  }
}

/** Scales all gradients together so their global L2 norm is at most maxNorm. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const sq = names.map((n) => tf.sum(tf.square(grads[n])));
    // stack + sum rather than addN: WebGPU's AddN kernel fails to build with dozens of inputs.
    const norm = tf.sqrt(tf.sum(tf.stack(sq)));
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n], scale);
    return out;
  });
}
