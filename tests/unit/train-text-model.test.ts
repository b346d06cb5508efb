// The "never worse than n-grams" machinery: n-gram features, logistic regression (with a
// gradient check), calibration, the selection rule and the kept-model file.
import { describe, expect, it } from 'vitest';
import { fitVectorizer, transform, words } from '../../src/core/train/ngram';
import { fitLogReg, logRegObjective, predictLinear, type Features } from '../../src/core/train/logreg';
import { applyTemperature, expectedCalibrationError, fitTemperature } from '../../src/core/train/calibration';
import { argmaxRows, autoNgramConfig, predictTextModel, stratifiedFolds, trainTextModels } from '../../src/core/train/text-model';
import { decodeTextModel, encodeTextModel } from '../../src/core/formats/text-model-file';
import { chunkTokens } from '../../src/core/tokenizers/batch';
import { mulberry32 } from '../../src/core/data/random';

describe('n-gram TF-IDF features', () => {
  it('tokenises words (NFKC, lower case), hashes 1–2-grams and char-grams into unit-norm rows', () => {
    expect(words('Ｈello, WORLD! it’s 42', 1000)).toEqual(['hello', 'world', 'it’s', '42']);
    const v = fitVectorizer(['good movie', 'bad movie', 'good good plot']);
    const x = transform(v, ['good movie', 'unseen zzzz', '']);
    expect(x.rows).toBe(3);
    let sq = 0;
    for (let p = x.indptr[0]!; p < x.indptr[1]!; p++) sq += x.values[p]! ** 2;
    expect(sq).toBeCloseTo(1, 5);
    // A text of unseen terms only (and an empty one) has no features; columns stay in range.
    expect(x.indptr[2]! - x.indptr[1]!).toBeLessThan(x.indptr[1]! - x.indptr[0]!);
    expect(x.indptr[3]).toBe(x.indptr[2]);
    expect(Math.max(...x.indices)).toBeLessThan(x.cols);
  });

  it('weighs rare terms higher (IDF) and reads only maxChars of a huge text', () => {
    const v = fitVectorizer(['common rare', 'common', 'common'], { charNgrams: [0, 0] });
    const x = transform(v, ['common rare']);
    const vals = Array.from(x.values);
    expect(Math.max(...vals)).toBeGreaterThan(Math.min(...vals));
    const huge = 'word '.repeat(2_000_000);
    const t0 = performance.now();
    transform(fitVectorizer(['word'], { maxChars: 1000 }), [huge]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('refuses a bad config with the parameter and value', () => {
    expect(() => fitVectorizer(['a'], { buckets: 1000 })).toThrow(/buckets must be a power of two.*1000/);
    expect(() => fitVectorizer(['a'], { wordNgrams: [0, 0], charNgrams: [0, 0] })).toThrow(/cannot both be off/);
  });
});

function denseFeatures(rows: number[][]): Features {
  return { rows: rows.length, sparse: null, dense: { data: Float32Array.from(rows.flat()), dim: rows[0]!.length } };
}

describe('logistic regression (L-BFGS)', () => {
  // 3 classes: one partial group of the dense kernel's four-class passes; 6: a full group and a partial one.
  it.each([3, 6])('has an analytic gradient that matches finite differences (sparse + dense, %i classes, sample weights)', (k) => {
    const v = fitVectorizer(['a b c', 'b c d', 'c d e', 'e f a'], { charNgrams: [0, 0] });
    const sparse = transform(v, ['a b c', 'b c d', 'c d e', 'e f a']);
    const x: Features = { rows: 4, sparse, dense: { data: Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8]), dim: 2 } };
    const y = Int32Array.from([0, 1, 2, k - 1]);
    const d = sparse.cols + 2;
    const rng = mulberry32(7);
    const theta = Float64Array.from({ length: d * k + k }, () => rng() - 0.5);
    const grad = new Float64Array(theta.length);
    const sw = Float32Array.from([1, 2, 0.5, 1]);
    logRegObjective(x, y, k, 2, theta, grad, sw);
    const h = 1e-6;
    for (let i = 0; i < theta.length; i++) {
      const plus = theta.slice();
      plus[i]! += h;
      const minus = theta.slice();
      minus[i]! -= h;
      const g = new Float64Array(theta.length);
      const num = (logRegObjective(x, y, k, 2, plus, g, sw) - logRegObjective(x, y, k, 2, minus, g, sw)) / (2 * h);
      expect(Math.abs(num - grad[i]!)).toBeLessThan(1e-6);
    }
  });

  it('separates a linearly separable problem and matches the known optimum of a symmetric one', () => {
    const x = denseFeatures([[2, 0], [1.5, 0.2], [-2, 0], [-1.5, -0.2]]);
    const y = Int32Array.from([1, 1, 0, 0]);
    const fit = fitLogReg(x, y, 2, { C: 100 });
    expect(fit.converged).toBe(true);
    expect(Array.from(argmaxRows(predictLinear(fit.model, x), 2))).toEqual([1, 1, 0, 0]);
    // Symmetric data: the two class weight columns are opposite and the biases equal (L2 minimum-norm).
    const sym = fitLogReg(denseFeatures([[1], [-1]]), Int32Array.from([1, 0]), 2, { C: 1 });
    expect(sym.model.weights[0]).toBeCloseTo(-sym.model.weights[1]!, 5);
    expect(sym.model.bias[0]).toBeCloseTo(sym.model.bias[1]!, 5);
    // Stronger regularisation → smaller weights.
    const weak = fitLogReg(denseFeatures([[1], [-1]]), Int32Array.from([1, 0]), 2, { C: 0.01 });
    expect(Math.abs(weak.model.weights[1]!)).toBeLessThan(Math.abs(sym.model.weights[1]!));
  });

  it('learns a 3-class sparse problem from words', () => {
    const texts = ['great fun film', 'great great acting', 'awful boring plot', 'boring awful mess', 'a cooking recipe', 'recipe with flour'];
    const y = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const v = fitVectorizer(texts);
    const fit = fitLogReg({ rows: 6, sparse: transform(v, texts), dense: null }, y, 3, { C: 10 });
    const p = predictLinear(fit.model, { rows: 3, sparse: transform(v, ['great acting', 'so boring', 'flour recipe']), dense: null });
    expect(Array.from(argmaxRows(p, 3))).toEqual([0, 1, 2]);
  });

  it('refuses bad arguments with codes and names', () => {
    const x = denseFeatures([[1], [2]]);
    expect(() => fitLogReg(x, Int32Array.from([0, 5]), 2, { C: 1 })).toThrow(/y\[1\] must be in \[0, 2\), got 5/);
    expect(() => fitLogReg(x, Int32Array.from([0, 1]), 2, { C: -1 })).toThrow(/C must be a positive number, got -1/);
  });
});

describe('calibration', () => {
  it('temperature scaling lowers the ECE of a deliberately over-confident model, keeping every argmax', () => {
    const rng = mulberry32(3);
    const n = 400;
    const y = new Int32Array(n);
    const probs = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      y[i] = rng() < 0.5 ? 1 : 0;
      // 75% right, but always 99% sure.
      const right = rng() < 0.75;
      const p1 = (right ? y[i] === 1 : y[i] === 0) ? 0.99 : 0.01;
      probs[i * 2 + 1] = p1;
      probs[i * 2] = 1 - p1;
    }
    const cal = fitTemperature(probs, y, 2);
    expect(cal.temperature).toBeGreaterThan(1.5);
    expect(cal.eceBefore).toBeGreaterThan(0.2);
    expect(cal.eceAfter).toBeLessThan(cal.eceBefore / 3);
    const after = applyTemperature(probs.slice(), 2, cal.temperature);
    expect(Array.from(argmaxRows(after, 2))).toEqual(Array.from(argmaxRows(probs, 2)));
    expect(expectedCalibrationError(after, y, 2)).toBeCloseTo(cal.eceAfter, 6);
  });

  it('shrinks the temperature towards 1 when there are few rows', () => {
    const probs = Float32Array.from([0.6, 0.4, 0.3, 0.7]);
    const cal = fitTemperature(probs, Int32Array.from([0, 1]), 2);
    expect(cal.temperature).toBeGreaterThan(0.25);
    expect(Math.abs(Math.log(cal.temperature))).toBeLessThan(Math.abs(Math.log(0.25)) * (2 / 32) + 1e-9);
  });
});

describe('window pooling', () => {
  it('cuts a long sequence into windows, at most maxWindows', () => {
    expect(chunkTokens([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkTokens([1, 2, 3, 4, 5], 2, 2)).toEqual([[1, 2], [3, 4]]);
    expect(chunkTokens([1, 2], 4, 1)).toEqual([[1, 2]]);
    expect(() => chunkTokens([1], 2, 0)).toThrow(/maxWindows/);
  });
});

/** Two-class data where words decide some rows and a 2-d "embedding" decides the others. */
function mixedProblem(n: number, seed: number) {
  const rng = mulberry32(seed);
  const texts: string[] = [];
  const emb = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    const wordSignal = rng() < 0.7;
    texts.push(wordSignal ? (label ? 'splendid wonderful' : 'dreadful awful') + ' filler text' : 'filler text neutral words');
    const embSignal = !wordSignal || rng() < 0.5;
    emb[i * 2] = embSignal ? (label ? 1 : -1) + 0.3 * (rng() - 0.5) : rng() - 0.5;
    emb[i * 2 + 1] = rng() - 0.5;
  }
  return { texts, emb, y };
}

describe('trainTextModels: every candidate, the best kept', () => {
  it('trains baseline, encoder, hybrid and blend on one split, keeps the best by the selection score, and predicts it', () => {
    const tr = mixedProblem(120, 1);
    const val = mixedProblem(40, 2);
    const res = trainTextModels({
      trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: tr.emb, valEmb: val.emb, dim: 2, classWeights: true, refit: false,
    });
    const kinds = res.comparison.candidates.map((c) => c.kind);
    expect(kinds).toEqual(['baseline', 'encoder', 'hybrid', 'blend']);
    expect(res.comparison.crossValidated).toBe(true);
    expect(res.comparison.selectionRows).toBe(160);
    // The selection rule: the kept candidate has the best selection macro-F1 (ties: lower loss).
    const best = Math.max(...res.comparison.candidates.map((c) => c.selectionF1));
    const kept = res.comparison.candidates.find((c) => c.kind === res.comparison.kept)!;
    expect(kept.selectionF1).toBe(best);
    // Words and embeddings carry different rows: a combination beats the n-grams alone here.
    expect(['hybrid', 'blend']).toContain(res.comparison.kept);
    expect(kept.metrics.macroF1).toBeGreaterThan(res.comparison.candidates[0]!.metrics.macroF1);
    expect(res.comparison.summary).toMatch(/^kept: .*over n-grams alone/);
    // predictTextModel reproduces the calibrated validation probabilities of the kept model.
    const head = res.encoderHead!;
    const encProbs = predictLinear(head, { rows: 40, sparse: null, dense: { data: val.emb, dim: 2 } });
    const p = predictTextModel(res.model, val.texts, encProbs, { data: val.emb, dim: 2 }, 2);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(res.valProbs[i]!, 5);
  });

  it('keeps the baseline when the embeddings carry nothing, and says so', () => {
    const tr = mixedProblem(200, 3);
    const val = mixedProblem(700, 4);
    const noise = (n: number, seed: number) => {
      const rng = mulberry32(seed);
      return Float32Array.from({ length: n * 2 }, () => rng() - 0.5);
    };
    const res = trainTextModels({
      trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: noise(200, 5), valEmb: noise(700, 6), dim: 2, classWeights: true, only: ['encoder'],
    });
    expect(res.comparison.crossValidated).toBe(false);
    expect(res.comparison.kept).toBe('baseline');
    expect(res.comparison.summary).toMatch(/^kept: n-grams .*no encoder model beat it/);
    // A baseline-only model predicts without any encoder input.
    const p = predictTextModel(res.model, ['splendid wonderful', 'dreadful awful'], null, null, 2);
    expect(Array.from(argmaxRows(p, 2))).toEqual([1, 0]);
  });

  it('predicts each candidate as it was scored, the hybrid with its embedding scale', () => {
    const tr = mixedProblem(80, 11);
    const val = mixedProblem(40, 12);
    const res = trainTextModels({
      trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: tr.emb, valEmb: val.emb, dim: 2, classWeights: true, embeddingScale: 3, refit: false,
    });
    const encProbs = predictLinear(res.encoderHead!, { rows: 40, sparse: null, dense: { data: val.emb, dim: 2 } });
    for (const c of res.comparison.candidates) {
      const p = predictTextModel(res.all[c.kind]!, val.texts, encProbs, { data: val.emb, dim: 2 }, 2);
      const pred = argmaxRows(p, 2);
      const acc = pred.reduce((a, v, i) => a + (v === val.y[i] ? 1 : 0), 0) / 40;
      expect(acc, c.kind).toBeCloseTo(c.metrics.accuracy, 10);
    }
    expect(res.all.hybrid!.embeddingScale).toBe(3);
    expect(decodeTextModel(encodeTextModel(res.all.hybrid!), 2, 2).embeddingScale).toBe(3);
  });

  it('refits the n-gram models on training + validation rows after choosing, and reports the scores from before', () => {
    const tr = mixedProblem(120, 21);
    const val = mixedProblem(40, 22);
    // A word only the validation rows carry: after the refit it has a column and a positive weight.
    const valTexts = val.texts.map((t, i) => (val.y[i] === 1 ? `${t} zestful` : t));
    const input = {
      trainTexts: tr.texts, valTexts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: tr.emb, valEmb: val.emb, dim: 2, classWeights: true,
    };
    const before = trainTextModels({ ...input, refit: false });
    const after = trainTextModels(input);
    // Every choice and every score shown is the same: they were made before the refit.
    expect(after.comparison.candidates).toEqual(before.comparison.candidates.map((c) => ({ ...c, seconds: expect.any(Number) })));
    expect(after.comparison.kept).toBe(before.comparison.kept);
    expect(after.valProbs).toEqual(before.valProbs);
    expect(before.comparison.refitRows).toBe(120);
    expect(after.comparison.refitRows).toBe(160);
    // The encoder head (it seeds fine-tuning, which watches the validation rows) is not refitted.
    expect(after.encoderHead).toEqual(before.encoderHead);
    // The baseline has seen the validation-only word after the refit, not before.
    const probe = ['zestful'];
    const pBefore = predictTextModel(before.all.baseline!, probe, null, null, 2);
    const pAfter = predictTextModel(after.all.baseline!, probe, null, null, 2);
    expect(pAfter[1]! - pBefore[1]!).toBeGreaterThan(0.05);
    expect(pAfter[1]!).toBeGreaterThan(0.5);
    // Nothing left behind: the refitted baseline predicts its own training rows at least as well.
    const accOn = (m: typeof after.all.baseline, texts: string[], y: Int32Array) => {
      const pred = argmaxRows(predictTextModel(m!, texts, null, null, 2), 2);
      return pred.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0) / y.length;
    };
    expect(accOn(after.all.baseline, valTexts, val.y)).toBeGreaterThanOrEqual(accOn(before.all.baseline, valTexts, val.y));
    // refit: ['encoder'] refits only the head (warm-started, same C), on every row.
    const headOnly = trainTextModels({ ...input, refit: ['encoder'] });
    expect(headOnly.encoderHead).not.toEqual(before.encoderHead);
    expect(headOnly.all.baseline!.ngram).toEqual(before.all.baseline!.ngram);
  });

  it('keeps the encoder model when asked, and says what scored better', () => {
    const tr = mixedProblem(200, 3);
    const val = mixedProblem(700, 4);
    const rng = mulberry32(9);
    const noise = (n: number) => Float32Array.from({ length: n * 2 }, () => rng() - 0.5);
    const res = trainTextModels({
      trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: noise(200), valEmb: noise(700), dim: 2, classWeights: true, only: ['encoder'], keep: 'encoder',
    });
    expect(res.comparison.kept).toBe('encoder');
    expect(res.model.kept).toBe('encoder');
    expect(res.comparison.summary).toMatch(/^kept: encoder, as asked; n-grams .* scored [\d.]+ points of macro-F1 more/);
  });

  it('uses character n-grams for short texts only', () => {
    expect(autoNgramConfig(['short text', 'another one', 'x'])).toEqual({});
    expect(autoNgramConfig(['long '.repeat(200), 'long '.repeat(150), 'x'])).toEqual({ charNgrams: [0, 0] });
  });

  it('deals stratified folds that cover every row once', () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
    const folds = stratifiedFolds(y, 5, 1);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from(y.keys()));
    for (const f of folds) expect(f.filter((r) => y[r] === 0).length).toBe(1);
    expect(stratifiedFolds(y, 5, 1)).toEqual(folds);
  });

  it('round-trips the kept model through its file and refuses a lying one', () => {
    const tr = mixedProblem(60, 7);
    const val = mixedProblem(30, 8);
    const res = trainTextModels({
      trainTexts: tr.texts, valTexts: val.texts, trainY: tr.y, valY: val.y, numClasses: 2,
      trainEmb: tr.emb, valEmb: val.emb, dim: 2, classWeights: false,
    });
    for (const m of Object.values(res.all)) {
      const back = decodeTextModel(encodeTextModel({ ...m, temperature: 1.7 }), 2, 2);
      const encProbs = predictLinear(res.encoderHead!, { rows: 30, sparse: null, dense: { data: val.emb, dim: 2 } });
      const a = predictTextModel({ ...m, temperature: 1.7 }, val.texts, encProbs, { data: val.emb, dim: 2 }, 2);
      const b = predictTextModel(back, val.texts, encProbs, { data: val.emb, dim: 2 }, 2);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    }
    const file = encodeTextModel(res.all.baseline!);
    expect(() => decodeTextModel(file, 3, 2)).toThrow(/2 classes, the model has 3 labels/);
    const nan = { ...res.all.baseline!, ngram: { ...res.all.baseline!.ngram!, bias: Float32Array.from([NaN, 0]) } };
    expect(() => decodeTextModel(encodeTextModel(nan), 2, 2)).toThrow(/NaN or infinite/);
  });
});

describe('foldTemperatureIntoHead', () => {
  it('makes the head alone predict the temperature-scaled probabilities, leaking nothing', async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const { createHead, predictProba, foldTemperatureIntoHead } = await import('../../src/core/train/head');
    const before = tf.memory().numTensors;
    const head = createHead({ inputDim: 3, numClasses: 3, hiddenUnits: 0, dropout: 0, seed: 1 });
    const x = Float32Array.from([1, -2, 0.5, 0.3, 0.1, -1]);
    const raw = predictProba(head, x, 3);
    foldTemperatureIntoHead(head, 2.5);
    const folded = predictProba(head, x, 3);
    const expected = applyTemperature(raw.slice(), 3, 2.5);
    for (let i = 0; i < folded.length; i++) expect(folded[i]).toBeCloseTo(expected[i]!, 5);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
