// The tfjs internals TextTune relies on (src/core/tfjs-internals.ts), pinned to the version they
// were read from: an upgrade fails here first, with the list of what to check again.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adamInternals, disposeVariablesSince, isRecordingGradients, setLearningRate, TFJS_INTERNALS_VERSION, variableNames } from '../../src/core/tfjs-internals';

describe('tfjs internals', () => {
  it(`are pinned to tfjs-core ${TFJS_INTERNALS_VERSION} (after an upgrade, re-check each accessor, then this line)`, () => {
    expect(tf.version_core).toBe(TFJS_INTERNALS_VERSION);
  });

  it('isRecordingGradients is true only under a gradient tape', async () => {
    await tf.setBackend('cpu');
    expect(isRecordingGradients()).toBe(false);
    let inside = false;
    const g = tf.grad((x: tf.Tensor) => {
      inside = isRecordingGradients();
      return tf.square(x);
    })(tf.scalar(3));
    expect(inside).toBe(true);
    expect(g.dataSync()[0]).toBe(6);
    g.dispose();
  });

  it('variableNames and disposeVariablesSince find and free the variables created meanwhile', () => {
    const before = variableNames();
    const n = tf.memory().numTensors;
    const v = tf.variable(tf.zeros([2]));
    expect(variableNames().has(v.name)).toBe(true);
    disposeVariablesSince(before);
    expect(variableNames().has(v.name)).toBe(false);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(n + 1);
  });

  it("setLearningRate reaches Adam's update, and adamInternals finds β₁ᵗ, β₂ᵗ", () => {
    const step = (lr: number): number => {
      const v = tf.variable(tf.scalar(1));
      const opt = tf.train.adam(0.1);
      setLearningRate(opt, lr);
      opt.minimize(() => tf.square(v) as tf.Scalar, false, [v]);
      const internals = adamInternals(opt);
      expect(internals?.accBeta1.dataSync()[0]).toBeCloseTo(0.81, 5);
      const moved = 1 - v.dataSync()[0]!;
      opt.dispose();
      v.dispose();
      return moved;
    };
    // Adam's first step moves by about the learning rate, whatever the gradient.
    expect(step(0.1)).toBeCloseTo(0.1, 3);
    expect(step(0.01)).toBeCloseTo(0.01, 3);
  });
});
