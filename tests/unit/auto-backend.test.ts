// The auto backend's pure parts: which measurement wins, the timed sample, the timing loop.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { fastest, timeEmbed } from '../../src/worker/auto-backend';
import { sampleTexts } from '../../src/worker/perf-sample';
import type { BackendMeasurement } from '../../src/worker/protocol';
import { loadUseLite } from '../../src/core/encoders/use-lite';
import { readUseFiles } from '../support/use-files';

const m = (backend: BackendMeasurement['backend'], textsPerSecond: number | null): BackendMeasurement => ({ backend, threads: null, adapter: null, textsPerSecond, error: textsPerSecond == null ? 'did not start' : null });

describe('fastest', () => {
  it('picks the highest texts/s; a backend that did not run never wins', () => {
    expect(fastest([m('wasm', 48.2), m('webgpu', 1.1)])).toBe('wasm');
    expect(fastest([m('wasm', 48.2), m('webgpu', 310)])).toBe('webgpu');
    expect(fastest([m('wasm', null), m('webgpu', 0.5)])).toBe('webgpu');
    expect(fastest([m('wasm', null), m('webgpu', null)])).toBe(null);
  });
});

describe('sampleTexts', () => {
  it('is the same on every device, 10–40 words a text', () => {
    const a = sampleTexts();
    expect(a).toEqual(sampleTexts());
    expect(a).toHaveLength(64);
    for (const t of a) {
      const words = t.split(' ').length;
      expect(words).toBeGreaterThanOrEqual(10);
      expect(words).toBeLessThanOrEqual(40);
    }
    expect(new Set(a).size).toBe(64);
  });
});

describe('timeEmbed', () => {
  it('times real USE-lite embeddings on the running backend and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    const encoder = await loadUseLite(readUseFiles());
    try {
      const before = tf.memory().numTensors;
      const tps = await timeEmbed(encoder, sampleTexts(16), 1, 8);
      expect(tps).toBeGreaterThan(0);
      expect(Number.isFinite(tps)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      encoder.dispose();
    }
  });
});
