// The auto backend's pure parts: which measurement wins, the timed sample, the timing loop.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { fastest, skippedForFinetune, timeEmbed } from '../../src/worker/auto-backend';
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

describe('skippedForFinetune', () => {
  const embed = (ms: BackendMeasurement[]) => ({ key: 'use-lite|embed', encoderId: 'use-lite', task: 'embed' as const, measurements: ms, chosen: 'wasm' as const, measuredAt: 0 });
  it('skips a backend more than 10× slower at embedding, saying how much', () => {
    const skip = skippedForFinetune(embed([m('wasm', 22.7), m('webgpu', 0.3)]));
    expect([...skip.keys()]).toEqual(['webgpu']);
    expect(skip.get('webgpu')).toBe('not timed: 76× slower than the fastest backend at embedding');
  });
  it('times every backend within 10×, and all of them when embedding was never measured', () => {
    expect(skippedForFinetune(embed([m('wasm', 22.7), m('webgpu', 3)])).size).toBe(0);
    expect(skippedForFinetune(embed([m('wasm', 22.7), m('webgpu', null)])).size).toBe(0);
    expect(skippedForFinetune(null).size).toBe(0);
  });
});
