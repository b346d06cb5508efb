// Datasets with many labels (intent sets: Banking77 has 77, CLINC150 150): training stays within
// its parameter budget, splits keep every label, the kept model never loses to the n-grams on the
// validation rows, and the views' summaries (top confusions, top probabilities) are right.
import { describe, expect, it } from 'vitest';
import { fitVectorizer, transform, vectorizerWidth } from '../../src/core/train/ngram';
import { CV_WORK_BUDGET, NGRAM_PARAM_BUDGET, ngramColumnCap, predictTextModel, stratifiedFolds, trainTextModels } from '../../src/core/train/text-model';
import { fitLogReg, predictLinear } from '../../src/core/train/logreg';
import { evaluate } from '../../src/core/train/metrics';
import { argmaxRows } from '../../src/core/train/scores';
import { stratifiedSplit } from '../../src/core/data/split';
import { mulberry32 } from '../../src/core/data/random';
import { listLabels, topConfusions, topIndices } from '../../src/components/many-labels';
import { fewShotLabelLimit, fewShotOffered } from '../../src/worker/fewshot';
import { decodeTextModel, encodeTextModel } from '../../src/core/formats/text-model-file';

const SYL = ['ka', 'lo', 'mi', 'ra', 'tu', 'ne', 'sa', 'po', 'di', 've', 'gu', 'ho', 'ze', 'fa', 'bi', 'wo'];

/**
 * Seeded synthetic intents: each label owns 4 made-up keywords (its last one shared with the next
 * label), a text is 4–9 filler words from a shared pool plus 1–2 of its label's keywords; the
 * "embedding" is the label's random centroid plus noise (so the encoder part helps but is not perfect).
 */
function intents(labels: number, rowsPerLabel: (c: number) => number, seed: number, dim = 64) {
  const rng = mulberry32(seed);
  const word = () => Array.from({ length: 2 + Math.floor(rng() * 2) }, () => SYL[Math.floor(rng() * SYL.length)]).join('');
  const kw = Array.from({ length: labels }, () => Array.from({ length: 4 }, word));
  for (let c = 0; c < labels; c++) kw[c]![3] = kw[(c + 1) % labels]![0]!;
  const filler = Array.from({ length: 300 }, word);
  const centroid = Array.from({ length: labels }, () => Array.from({ length: dim }, () => rng() - 0.5));
  const texts: string[] = [];
  const y: number[] = [];
  const emb: number[] = [];
  for (let c = 0; c < labels; c++) {
    for (let r = 0; r < rowsPerLabel(c); r++) {
      const parts = Array.from({ length: 4 + Math.floor(rng() * 6) }, () => filler[Math.floor(rng() * filler.length)]!);
      for (let i = 0; i < 1 + Math.floor(rng() * 2); i++) parts.splice(Math.floor(rng() * parts.length), 0, kw[c]![Math.floor(rng() * 4)]!);
      texts.push(parts.join(' '));
      y.push(c);
      emb.push(...centroid[c]!.map((v) => v + 1.5 * (rng() - 0.5)));
    }
  }
  return { texts, y: Int32Array.from(y), emb: Float32Array.from(emb), dim };
}

function pick<T>(xs: readonly T[], rows: number[]): T[] {
  return rows.map((i) => xs[i]!);
}
function pickEmb(emb: Float32Array, dim: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(emb.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

describe('n-gram columns under a parameter budget', () => {
  it('caps columns to floor(budget / labels), never below what a few labels need', () => {
    expect(NGRAM_PARAM_BUDGET).toBe(1 << 20);
    expect(ngramColumnCap(2)).toBe(1 << 19);
    expect(ngramColumnCap(4)).toBe(1 << 18); // = the default hashed buckets: never binds up to 4 labels
    expect(ngramColumnCap(77)).toBe(13_617);
    expect(ngramColumnCap(150)).toBe(6_990);
    expect(ngramColumnCap(200)).toBe(5_242);
  });

  it('keeps the columns of the highest document frequency (max_features), in ascending order', () => {
    const texts = ['common rare1', 'common rare2', 'common mid', 'common mid'];
    const all = fitVectorizer(texts, { charNgrams: [0, 0], wordNgrams: [1, 1] });
    const capped = fitVectorizer(texts, { charNgrams: [0, 0], wordNgrams: [1, 1] }, { maxColumns: 2 });
    expect(vectorizerWidth(all)).toBe(4);
    expect(vectorizerWidth(capped)).toBe(2);
    expect([...capped.idfIndex]).toEqual([...capped.idfIndex].sort((a, b) => a - b));
    // "common" (df 4) and "mid" (df 2) are kept; a text of rare words only has no features left.
    const x = transform(capped, ['common mid', 'rare1 rare2']);
    expect(x.indptr[1]! - x.indptr[0]!).toBe(2);
    expect(x.indptr[2]).toBe(x.indptr[1]);
    expect(() => fitVectorizer(texts, {}, { maxColumns: 0 })).toThrow(/maxColumns must be a positive integer, got 0/);
  });
});

describe('splits with many thin labels', () => {
  // 150 labels with 2 to 5 rows each: every label keeps a training row and gets a validation row.
  const y = Int32Array.from(Array.from({ length: 150 }, (_, c) => Array<number>(2 + (c % 4)).fill(c)).flat());

  it('stratified split: no label dropped from training, every label in validation', () => {
    const { train, val } = stratifiedSplit(y, 0.15, 42);
    expect(new Set(train.map((i) => y[i])).size).toBe(150);
    expect(new Set(val.map((i) => y[i])).size).toBe(150);
    expect(train.length + val.length).toBe(y.length);
  });

  it('cross-validation folds: every row held out exactly once, labels spread over folds', () => {
    const folds = stratifiedFolds(y, 5, 7);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from(y.keys()));
    // Round-robin per label: no fold holds 2 rows of a 2-row label.
    for (const f of folds) for (let c = 0; c < 150; c += 4) expect(f.filter((i) => y[i] === c).length).toBeLessThanOrEqual(1);
  });
});

describe('training with 150 labels', () => {
  it('stays within the parameter budget, trains every candidate, and keeps one not worse than the n-grams', () => {
    const L = 150;
    const d = intents(L, (c) => (c % 10 === 0 ? 3 : 6), 11);
    const test = intents(L, () => 3, 11); // same keywords and centroids (same seed), fresh rows
    const { train, val } = stratifiedSplit(d.y, 0.15, 42);
    const r = trainTextModels({
      trainTexts: pick(d.texts, train), valTexts: pick(d.texts, val), trainY: Int32Array.from(pick([...d.y], train)), valY: Int32Array.from(pick([...d.y], val)),
      numClasses: L, trainEmb: pickEmb(d.emb, d.dim, train), valEmb: pickEmb(d.emb, d.dim, val), dim: d.dim, classWeights: true,
    });
    // Bounded: the n-gram models hold at most the budget's weights.
    const base = r.all.baseline!.ngram!;
    expect(base.sparseDim).toBeLessThanOrEqual(ngramColumnCap(L));
    expect(base.weights.length).toBeLessThanOrEqual(NGRAM_PARAM_BUDGET);
    expect(r.model.vectorizer === null || vectorizerWidth(r.model.vectorizer) <= ngramColumnCap(L)).toBe(true);
    // Far over the cross-validation work budget: choices on the validation rows, every candidate scored on them.
    expect(r.comparison.crossValidated).toBe(false);
    // (The blend is listed only when its weight lands strictly between 0 and 1.)
    expect(r.comparison.candidates.map((c) => c.kind)).toEqual(expect.arrayContaining(['baseline', 'encoder', 'hybrid']));
    const f1 = (kind: string) => r.comparison.candidates.find((c) => c.kind === kind)!.metrics.macroF1;
    expect(f1(r.comparison.kept)).toBeGreaterThanOrEqual(f1('baseline'));
    // On rows no model saw, the kept model is not worse than the n-grams either.
    const testF1 = (m: NonNullable<typeof r.all.baseline>) => {
      const encP = predictLinear(r.encoderHead!, { rows: test.texts.length, sparse: null, dense: { data: test.emb, dim: test.dim } });
      return evaluate(test.y, argmaxRows(predictTextModel(m, test.texts, encP, { data: test.emb, dim: test.dim }, L), L), L).macroF1;
    };
    expect(testF1(r.model)).toBeGreaterThanOrEqual(testF1(r.all.baseline!));
    expect(testF1(r.all.baseline!)).toBeGreaterThan(0.05); // chance: 1/150
  }, 120_000);

  it('keeps cross-validation where it is cheap (a few labels)', () => {
    const d = intents(3, () => 30, 5);
    const { train, val } = stratifiedSplit(d.y, 0.15, 42);
    const fits: [number, number][] = [];
    const r = trainTextModels({
      trainTexts: pick(d.texts, train), valTexts: pick(d.texts, val), trainY: Int32Array.from(pick([...d.y], train)), valY: Int32Array.from(pick([...d.y], val)),
      numClasses: 3, trainEmb: null, valEmb: null, dim: 0, classWeights: true,
    }, { onFit: (done, total) => fits.push([done, total]) });
    expect(CV_WORK_BUDGET).toBeGreaterThan(1e6);
    expect(r.comparison.crossValidated).toBe(true);
    // Progress: the baseline's 4 C values, 5 folds of them, then its refit — counted from 1 to the total announced at once.
    expect(fits.map(([done]) => done)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(fits.every(([, total]) => total === 25)).toBe(true);
  });
});

describe('exports with 150 labels', () => {
  it('the kept-model file (bundle part) carries every label and predicts the same after a round trip', () => {
    const L = 150;
    const d = intents(L, () => 3, 3);
    // One fit (no C path) is enough for a file round trip: a baseline under the column cap.
    const vectorizer = fitVectorizer(d.texts, {}, { maxColumns: ngramColumnCap(L) });
    const x = transform(vectorizer, d.texts);
    const ngram = fitLogReg({ rows: x.rows, sparse: x, dense: null }, d.y, L, { C: 10, maxIterations: 20 }).model;
    const r = { model: { kept: 'baseline' as const, vectorizer, ngram, hybrid: null, embeddingScale: 1, blendWeight: 0.5, partTemperatures: [1, 1] as [number, number], temperature: 1.3 } };
    const back = decodeTextModel(encodeTextModel(r.model), L, 0);
    expect(back.ngram!.numClasses).toBe(L);
    const texts = d.texts.slice(0, 20);
    const a = predictTextModel(r.model, texts, null, null, L);
    const b = predictTextModel(back, texts, null, null, L);
    expect(b.length).toBe(20 * L);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    expect(() => decodeTextModel(encodeTextModel(r.model), 149, 0)).toThrow(/150 classes, the model has 149 labels/);
  }, 60_000);
});

describe('views of many labels', () => {
  it('lists a few labels and says how many more', () => {
    expect(listLabels(['a', 'b'])).toBe('a, b');
    expect(listLabels(Array.from({ length: 150 }, (_, i) => `l${i}`))).toBe('l0, l1, l2, l3, l4, l5, l6, l7 and 142 more');
    expect(listLabels(['x'.repeat(50)])).toBe(`${'x'.repeat(40)}…`);
  });

  it('finds the largest confusions off the diagonal, with their share of the true label', () => {
    const m = [
      [5, 3, 0],
      [1, 4, 0],
      [0, 3, 1],
    ];
    expect(topConfusions(m, 2)).toEqual([
      { actual: 0, predicted: 1, count: 3, share: 3 / 8 },
      { actual: 2, predicted: 1, count: 3, share: 3 / 4 },
    ]);
    expect(topConfusions([[2, 0], [0, 2]], 5)).toEqual([]);
  });

  it('orders probabilities largest first', () => {
    expect(topIndices([0.1, 0.5, 0.1, 0.3], 3)).toEqual([1, 3, 0]);
  });

  it('the contrastive step is refused above 50 labels, naming the limit', () => {
    expect(fewShotOffered(Array<number>(50).fill(8))).toBe(true);
    expect(fewShotOffered(Array<number>(77).fill(8))).toBe(false);
    expect(fewShotLabelLimit(50)).toBeNull();
    expect(fewShotLabelLimit(150)).toMatch(/at most 50 labels; this dataset has 150/);
  });
});
