import { describe, expect, it } from 'vitest';
import { explainByOcclusion, findWords, withoutSpan } from '../../src/worker/explain';

// A tiny fake predictor: a bag of words with fixed logit weights toward "positive" (label 1),
// softmax over [0, score]. Its answers are known in closed form, so the occlusion maths is too.
const WEIGHTS: Record<string, number> = { excellent: 2, love: 1, broken: -3 };
function fakeProbabilities(texts: string[]): Float32Array {
  const out = new Float32Array(texts.length * 2);
  texts.forEach((t, i) => {
    const score = findWords(t).reduce((s, w) => s + (WEIGHTS[w.word.toLowerCase()] ?? 0), 0);
    const pPos = 1 / (1 + Math.exp(-score));
    out[i * 2] = 1 - pPos;
    out[i * 2 + 1] = pPos;
  });
  return out;
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('occlusion explanation', () => {
  it('finds words with their offsets, keeping inner apostrophes and hyphens', () => {
    expect(findWords("Don't buy: well-made? No!").map((w) => w.word)).toEqual(["Don't", 'buy', 'well-made', 'No']);
    const [w] = findWords('  héllo, world');
    expect(w).toEqual({ start: 2, end: 7, word: 'héllo' });
  });

  it('removes one word without leaving a double space', () => {
    expect(withoutSpan('an excellent lamp', 3, 12)).toBe('an lamp');
    expect(withoutSpan('excellent, lamp', 0, 9)).toBe(', lamp');
  });

  it('a word’s contribution is p(label | text) − p(label | text without it), for every label', async () => {
    let calls = 0;
    const e = await explainByOcclusion('Excellent lamp but broken', ['negative', 'positive'], async (texts) => {
      calls++;
      expect(texts).toEqual(['Excellent lamp but broken', 'lamp but broken', 'Excellent but broken', 'Excellent lamp broken', 'Excellent lamp but']);
      return fakeProbabilities(texts);
    });
    expect(calls).toBe(1); // one batch
    const base = sigmoid(2 - 3);
    expect(e.probabilities[1]).toBeCloseTo(base, 6);
    expect(e.predicted).toBe(0); // -1 → negative
    const byWord = Object.fromEntries(e.words.map((w) => [w.word, w.contributions]));
    expect(byWord.Excellent![1]).toBeCloseTo(base - sigmoid(-3), 6); // pushed toward positive
    expect(byWord.Excellent![1]).toBeGreaterThan(0);
    expect(byWord.Excellent![0]).toBeCloseTo(-byWord.Excellent![1]!, 6); // two labels: mirror images
    expect(byWord.broken![1]).toBeCloseTo(base - sigmoid(2), 6);
    expect(byWord.broken![0]).toBeGreaterThan(0); // pushed toward the predicted "negative"
    expect(byWord.lamp![0]).toBeCloseTo(0, 6); // a neutral word changes nothing
    expect(e.skipped).toBe(0);
  });

  it('caps the words explained and counts the rest', async () => {
    const text = Array.from({ length: 10 }, (_, i) => `w${i}`).join(' ');
    let batch = 0;
    const e = await explainByOcclusion(text, ['a', 'b'], async (texts) => {
      batch = texts.length;
      return fakeProbabilities(texts);
    }, 4);
    expect(batch).toBe(5);
    expect(e.words.map((w) => w.word)).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(e.skipped).toBe(6);
  });

  it('a text without words is the prediction alone', async () => {
    const e = await explainByOcclusion('?!', ['a', 'b'], async (texts) => fakeProbabilities(texts));
    expect(e.words).toEqual([]);
    expect(e.probabilities).toHaveLength(2);
  });

  it('refuses a probabilities function that answers the wrong shape, naming both sizes', async () => {
    await expect(explainByOcclusion('a b', ['x', 'y'], async () => new Float32Array(3))).rejects.toThrow(/expected 3×2 probabilities, got 3/);
  });
});
