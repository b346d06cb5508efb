// One Train, every candidate, the best one kept.
//
// On the same split, four models are trained and scored on the same validation rows:
//   baseline — logistic regression on hashed word + character n-gram TF-IDF (ngram.ts)
//   encoder  — logistic regression on the frozen encoder's (window-pooled) embeddings
//              (or the encoder model given by the caller: a hidden-layer head, a fine-tuned encoder)
//   hybrid   — one logistic regression over [n-gram features ‖ embeddings]
//   blend    — w·P(encoder) + (1 − w)·P(baseline), w fitted on validation log-loss
// Regularisation C is picked per model from a short warm-started path by validation macro-F1
// (ties → lower log-loss). The kept model has the best validation macro-F1 (ties → lower
// log-loss), then its probabilities are temperature-scaled on the validation rows.
// Measured on IMDB (README, bench:quality): no part wins everywhere — n-grams win with many
// long texts, the encoder with few labels — and the blend/hybrid beat both at every size.
import { applyTemperature, fitTemperature, logLoss, type Calibration } from './calibration';
import { TrainError } from './errors';
import { fitLogReg, predictLinear, type Features, type LinearModel } from './logreg';
import { evaluate, type Metrics } from './metrics';
import { fitVectorizer, sparseRows, transform, type NgramConfig, type NgramVectorizer, type SparseRows } from './ngram';
import { mulberry32, shuffleInPlace } from '../data/random';
import { balancedClassWeights } from './class-weights';
import { argmaxRows, better } from './scores';

export { argmaxRows };

export type ModelKind = 'baseline' | 'encoder' | 'hybrid' | 'blend';
export const MODEL_KINDS: readonly ModelKind[] = ['baseline', 'encoder', 'hybrid', 'blend'];

/** Everything the kept model needs besides the encoder and its head (stored with the run). */
export interface TextModel {
  kept: ModelKind;
  vectorizer: NgramVectorizer | null;
  /** The baseline (used by 'baseline' and 'blend'). */
  ngram: LinearModel | null;
  /** Used by 'hybrid'. */
  hybrid: LinearModel | null;
  /** The hybrid's embeddings are multiplied by this before its logistic regression (see HYBRID_EMBEDDING_SCALE). */
  embeddingScale: number;
  /** Weight of the encoder's probabilities in 'blend'. */
  blendWeight: number;
  /** Temperatures of the blend's parts [encoder, baseline], applied before blending. */
  partTemperatures: [number, number];
  /** Temperature applied to the kept model's probabilities. */
  temperature: number;
}

export interface CandidateScore {
  kind: ModelKind;
  /** On the validation rows (the model trained on the training rows only). */
  metrics: Metrics;
  /** Macro-F1 on the selection rows (what the choice was made on; = validation without cross-validation). */
  selectionF1: number;
  valLoss: number;
  /** The chosen setting, in words ("C = 10", "w = 0.55"). */
  setting: string;
  seconds: number;
}

export interface Comparison {
  /** Validation rows every candidate was scored on. */
  valRows: number;
  /** Rows the choices (C, blend weight, kept model, temperature) were made on. */
  selectionRows: number;
  /** True when those rows include cross-validated predictions of the training rows. */
  crossValidated: boolean;
  /** Rows the kept model's n-gram parts were finally fitted on (training + validation when refitted). */
  refitRows?: number;
  candidates: CandidateScore[];
  kept: ModelKind;
  calibration: Calibration;
  /** Why the kept model was kept, in words. */
  summary: string;
}

export interface TextModelInput {
  trainTexts: readonly string[];
  valTexts: readonly string[];
  trainY: Int32Array;
  valY: Int32Array;
  numClasses: number;
  /** Frozen embeddings, row-major; null: no encoder part (baseline only). */
  trainEmb: Float32Array | null;
  valEmb: Float32Array | null;
  dim: number;
  /**
   * Validation probabilities of an encoder model trained by the caller (a hidden-layer head or a
   * fine-tuned encoder). When given, no logistic-regression head is trained on the embeddings.
   */
  encoderValProbs?: Float32Array | null;
  classWeights: boolean;
  ngram?: Partial<NgramConfig>;
  /** Which candidates to train (default all that the inputs allow). */
  only?: readonly ModelKind[];
  /** Scale of the embeddings inside the hybrid (default HYBRID_EMBEDDING_SCALE). */
  embeddingScale?: number;
  /**
   * After every choice is made on held-out rows, refit the n-gram models (baseline, hybrid; the
   * vectorizer too) on training + validation rows with the chosen settings (default true). The
   * scores shown stay those of the models that never saw the validation rows. See REFIT_KINDS.
   */
  refit?: boolean | readonly ('baseline' | 'encoder' | 'hybrid')[];
  /**
   * Keep this candidate whatever the scores (the user asked for the encoder model, e.g. to export
   * it to Hugging Face, or fine-tuned it); the others are still trained and shown for comparison.
   */
  keep?: ModelKind;
}

export interface TextModelHooks {
  onStage?(stage: ModelKind | 'features' | 'calibrate' | 'refit', done: number, total: number): void;
  /**
   * After each logistic-regression fit (C paths, cross-validation folds, refits): `total` is known
   * from the start. The fits are most of Train's time (minutes with 150 labels), so this is its progress.
   */
  onFit?(done: number, total: number): void;
  shouldStop?(): boolean;
}

export interface TextModelResult {
  model: TextModel;
  /** Every candidate as a TextModel of its own (temperature 1), for comparisons on test data. */
  all: Partial<Record<ModelKind, TextModel>>;
  /** The logistic-regression head on embeddings (null when the caller gave encoderValProbs). */
  encoderHead: LinearModel | null;
  comparison: Comparison;
  /** Calibrated validation probabilities of the kept model. */
  valProbs: Float32Array;
}

export const C_PATH: Readonly<Record<'baseline' | 'encoder' | 'hybrid', readonly number[]>> = Object.freeze({
  baseline: [3, 10, 30, 100],
  encoder: [1, 3, 10, 30, 100],
  hybrid: [3, 10, 30, 100],
});
const BLEND_STEPS = 20;
/**
 * Inside the hybrid, TF-IDF rows and embeddings both have unit norm, but an embedding spreads its
 * norm over 512 small coordinates and needs large weights, which one shared L2 penalty then
 * suppresses. Scaling the embeddings lets them speak with smaller weights.
 */
export const HYBRID_EMBEDDING_SCALE = 1;
const TIE = 1e-9;

export class StoppedError extends TrainError {}

function score(probs: Float32Array, y: Int32Array, k: number): { metrics: Metrics; loss: number; f1: number } {
  const metrics = evaluate(y, argmaxRows(probs, k), k);
  return { metrics, loss: logLoss(probs, y, k), f1: metrics.macroF1 };
}

function sampleWeights(y: Int32Array, k: number, on: boolean): Float32Array | null {
  if (!on) return null;
  const w = balancedClassWeights(y, k);
  return Float32Array.from(y, (c) => w[c]!);
}

/** w·a + (1 − w)·b, row-wise. */
export function blendProbs(a: Float32Array, b: Float32Array, w: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = w * a[i]! + (1 - w) * b[i]!;
  return out;
}

const KIND_WORDS: Record<ModelKind, string> = {
  baseline: 'n-grams (TF-IDF + logistic regression)',
  encoder: 'encoder',
  hybrid: 'n-grams + encoder in one model',
  blend: 'n-grams and encoder, probabilities blended',
};

export function kindInWords(kind: ModelKind): string {
  return KIND_WORDS[kind];
}

function summarise(kept: ModelKind, scores: Map<ModelKind, { f1: number }>, how: string): string {
  const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} points`;
  const keptF1 = scores.get(kept)!.f1;
  if (kept === 'baseline') {
    let bestOther: ModelKind | null = null;
    for (const [kind, s] of scores) if (kind !== 'baseline' && (!bestOther || s.f1 > scores.get(bestOther)!.f1)) bestOther = kind;
    return bestOther
      ? `kept: ${KIND_WORDS.baseline}; no encoder model beat it (best: ${KIND_WORDS[bestOther]}, ${pts(scores.get(bestOther)!.f1 - keptF1)} macro-F1, ${how})`
      : `kept: ${KIND_WORDS.baseline} (${how})`;
  }
  return `kept: ${KIND_WORDS[kept]}, ${pts(keptF1 - scores.get('baseline')!.f1)} macro-F1 over n-grams alone (${how})`;
}

type FitKind = 'baseline' | 'encoder' | 'hybrid';

function keptOnRequest(kept: ModelKind, best: ModelKind, scores: Map<ModelKind, { f1: number }>, how: string): string {
  const diff = (scores.get(best)!.f1 - scores.get(kept)!.f1) * 100;
  return `kept: ${KIND_WORDS[kept]}, as asked; ${KIND_WORDS[best]} scored ${diff.toFixed(1)} points of macro-F1 more (${how})`;
}

/** Character n-grams only where texts are short (median ≤ this many characters). */
export const CHAR_NGRAMS_MAX_MEDIAN_CHARS = 400;

/**
 * Character n-grams carry short texts (typos, word forms, scripts without spaces) but cost 4×
 * the features of words on long ones and, on IMDB reviews (median ~900 characters), lost 0.5
 * point to words alone while making the baseline 4× slower. So: on for short texts, off for long.
 */
export function autoNgramConfig(texts: readonly string[]): Partial<NgramConfig> {
  if (texts.length === 0) return {};
  const lengths = texts.map((t) => t.length).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)]!;
  return median <= CHAR_NGRAMS_MAX_MEDIAN_CHARS ? {} : { charNgrams: [0, 0] };
}

/**
 * The n-gram logistic regressions hold (columns × labels) weights, and L-BFGS keeps ~25 float64
 * vectors of that size (10 pairs of history, the gradients, the line search): memory and the time
 * of every step grow with labels × columns. Up to 4 labels this budget never binds (2^18 hashed
 * buckets × 4 = 2^20); with more, only the columns of the highest document frequency are kept
 * (scikit-learn's max_features), floor(budget / labels) of them — 6,990 at 150 labels, 13,617 at 77.
 * Measured (Node 20, 2-core EPYC, synthetic 150 intents × 20 rows, short texts, C path 3..100):
 * 20,000 columns took 42.8 s and ~860 MB, 10,000 22.0 s, 5,000 14.3 s, with held-out macro-F1
 * 0.608 / 0.613 / 0.619: the dropped columns are rare n-grams that carry little. See README *Limits*.
 */
export const NGRAM_PARAM_BUDGET = 1 << 20;

/** The most n-gram feature columns kept for `numClasses` labels. */
export function ngramColumnCap(numClasses: number): number {
  return Math.floor(NGRAM_PARAM_BUDGET / Math.max(2, numClasses));
}

/** Fits each kind along its C path (warm-started) on `train`, returns the models and their probabilities on `evalRows`. */
function fitPaths(
  kinds: readonly FitKind[],
  features: (kind: FitKind, rows: number[]) => Features,
  trainRows: number[],
  evalRows: number[],
  y: Int32Array,
  k: number,
  classWeights: boolean,
  hooks: TextModelHooks,
  seconds: Partial<Record<FitKind, number>>,
  fitDone: () => void,
): Record<FitKind, { models: LinearModel[]; probs: Float32Array[] }> {
  const out = {} as Record<FitKind, { models: LinearModel[]; probs: Float32Array[] }>;
  const trY = Int32Array.from(trainRows, (r) => y[r]!);
  const weights = sampleWeights(trY, k, classWeights);
  for (const kind of kinds) {
    const t0 = performance.now();
    const xTr = features(kind, trainRows);
    const xEval = features(kind, evalRows);
    const models: LinearModel[] = [];
    const probs: Float32Array[] = [];
    let init: LinearModel | null = null;
    for (const C of C_PATH[kind]) {
      if (hooks.shouldStop?.()) throw new StoppedError('invalid-argument', 'stopped by the user');
      const fit = fitLogReg(xTr, trY, k, { C, sampleWeights: weights, init });
      init = fit.model;
      models.push(fit.model);
      probs.push(predictLinear(fit.model, xEval));
      fitDone();
    }
    out[kind] = { models, probs };
    seconds[kind] = (seconds[kind] ?? 0) + (performance.now() - t0) / 1000;
  }
  return out;
}

/** k stratified folds of rows 0..n−1 (seeded): per class, shuffled and dealt round-robin. */
export function stratifiedFolds(y: Int32Array, folds: number, seed: number): number[][] {
  const out: number[][] = Array.from({ length: folds }, () => []);
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => {
    let rows = byClass.get(c);
    if (!rows) byClass.set(c, (rows = []));
    rows.push(i);
  });
  const rng = mulberry32(seed ^ 0x2545f491);
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const r of shuffleInPlace(byClass.get(c)!, rng)) out[next++ % folds]!.push(r);
  }
  return out.map((f) => f.sort((a, b) => a - b));
}

/** Below this many validation rows, choices are made on cross-validated predictions of the training rows plus the validation rows. */
export const CV_BELOW_VAL_ROWS = 600;
export const CV_FOLDS = 5;
export const ONE_SE_BELOW_ROWS = 200;
/**
 * Below this many validation rows the encoder head's C is cross-validated even when the other
 * models choose on validation alone (300 validation rows picked C = 1 on IMDB where 10 was better).
 * From 1,000 validation rows (about 6,700 rows in all) validation decides: the 5 folds × 5 C
 * cost 7 of the 15 s of a Train on 10,000 cached embeddings (Node, 2-core EPYC), for a choice
 * that ≥ 1,000 held-out rows already make well.
 */
export const CV_HEAD_BELOW_VAL_ROWS = 1_000;

/**
 * Cross-validation (5 more fits of every model on the C path) only while one pass over the
 * training rows costs at most this many multiply-adds, summed over the models (rows × (n-gram
 * non-zeros + embedding width) × labels; see passWork in trainTextModels). Above it, every choice
 * is made on the validation rows alone — the comparison of the candidates is on the same
 * validation rows either way. With 512-wide embeddings it never binds on 2 to 4 labels (below 600
 * validation rows, where cross-validation stops anyway: 2,000 IMDB rows are ~6 M); with 10 labels
 * of short texts (~100 n-grams each) from ~2,400 training rows; with many labels at once:
 * 150 synthetic intents × 20 rows (3,000 short texts, 2,550 training
 * rows, 512-wide embeddings) is ~480 M a pass, where Train took 311 s with cross-validation and
 * 117 s without (Node 20, 2-core EPYC); 100 labels × 4 rows is ~40 M.
 */
export const CV_WORK_BUDGET = 30_000_000;

/** Models refitted on training + validation rows by default (see the refit step in trainTextModels). */
export const REFIT_KINDS: readonly FitKind[] = ['baseline', 'hybrid'];

function refitKindsFor(refit: TextModelInput['refit'], kinds: readonly FitKind[]): FitKind[] {
  const wanted = refit === false ? [] : Array.isArray(refit) ? refit : REFIT_KINDS;
  // The n-gram models share one vectorizer: refitting one refits it, so every n-gram model follows.
  const ngram = wanted.some((kind) => kind !== 'encoder');
  return kinds.filter((kind) => (kind === 'encoder' ? wanted.includes('encoder') : ngram));
}

/** Trains every candidate on the same split and keeps the best (see the header). */
export function trainTextModels(input: TextModelInput, hooks: TextModelHooks = {}): TextModelResult {
  const k = input.numClasses;
  const nTr = input.trainY.length;
  const nVal = input.valY.length;
  if (input.trainTexts.length !== nTr || input.valTexts.length !== nVal) {
    throw new TrainError('invalid-argument', `trainTextModels: ${input.trainTexts.length}/${input.valTexts.length} texts for ${nTr}/${nVal} labels`);
  }
  if (nVal === 0) throw new TrainError('empty-validation', 'trainTextModels: the validation split is empty; every candidate is compared on it');
  const hasEmb = input.trainEmb !== null && input.valEmb !== null;
  if (hasEmb && (input.trainEmb!.length !== nTr * input.dim || input.valEmb!.length !== nVal * input.dim)) {
    throw new TrainError('invalid-argument', `trainTextModels: embeddings are not [rows, ${input.dim}]`);
  }
  const given = input.encoderValProbs ?? null;
  if (given && given.length !== nVal * k) throw new TrainError('invalid-argument', 'trainTextModels: encoderValProbs is not [validation rows, classes]');
  const wanted = (kind: ModelKind) => !input.only || input.only.includes(kind);
  const kinds: FitKind[] = ['baseline'];
  if (hasEmb && !given && wanted('encoder')) kinds.push('encoder');
  if (hasEmb && wanted('hybrid')) kinds.push('hybrid');

  // Rows 0..nTr−1 are training rows, nTr..nTr+nVal−1 validation rows, in one index space.
  hooks.onStage?.('features', 0, 1);
  const maxColumns = ngramColumnCap(k);
  const vectorizer = fitVectorizer(input.trainTexts, { ...autoNgramConfig(input.trainTexts), ...input.ngram }, { maxColumns });
  const xAll: SparseRows = transform(vectorizer, [...input.trainTexts, ...input.valTexts]);
  const embAll = hasEmb ? new Float32Array((nTr + nVal) * input.dim) : null;
  if (embAll) {
    embAll.set(input.trainEmb!);
    embAll.set(input.valEmb!, nTr * input.dim);
  }
  const yAll = new Int32Array(nTr + nVal);
  yAll.set(input.trainY);
  yAll.set(input.valY, nTr);
  hooks.onStage?.('features', 1, 1);
  const embScale = input.embeddingScale ?? HYBRID_EMBEDDING_SCALE;
  const denseRows = (rows: number[], scale: number) => {
    const out = new Float32Array(rows.length * input.dim);
    rows.forEach((r, i) => out.set(embAll!.subarray(r * input.dim, (r + 1) * input.dim), i * input.dim));
    if (scale !== 1) for (let i = 0; i < out.length; i++) out[i]! *= scale;
    return { data: out, dim: input.dim };
  };
  const features = (kind: FitKind, rows: number[]): Features => ({
    rows: rows.length,
    sparse: kind === 'encoder' ? null : sparseRows(xAll, rows),
    dense: kind === 'baseline' ? null : denseRows(rows, kind === 'hybrid' ? embScale : 1),
  });
  const trainRows = Array.from({ length: nTr }, (_, i) => i);
  const valRows = Array.from({ length: nVal }, (_, i) => nTr + i);

  // Selection rows: validation alone when it is large enough, else out-of-fold predictions of
  // every training row plus the validation rows (each row predicted by a model that never saw it).
  // A caller's encoder model (hidden-layer head, fine-tuned encoder) has no out-of-fold
  // predictions, so with one every choice is made on the validation rows.
  // One pass over the training rows (multiply-adds), per kind: n-gram non-zeros and/or embedding
  // values, times the labels. Cross-validation repeats every fit CV_FOLDS more times.
  const trainNnz = xAll.indptr[nTr]!;
  const passWork = (kind: FitKind) => k * ((kind === 'encoder' ? 0 : trainNnz) + (kind === 'baseline' ? 0 : nTr * input.dim));
  const cvAffordable = (ks: readonly FitKind[]) => ks.reduce((w, kind) => w + passWork(kind), 0) <= CV_WORK_BUDGET;
  const useCv = !given && nVal < CV_BELOW_VAL_ROWS && nTr >= 2 * CV_FOLDS && cvAffordable(kinds);
  const selRows = useCv ? [...trainRows, ...valRows] : valRows;
  const selY = Int32Array.from(selRows, (r) => yAll[r]!);
  // Out-of-fold predictions of the training rows: for every kind when the validation rows are
  // few; otherwise only for the encoder's dense logistic regression (cheap), to pick its C on
  // training + validation rows — 300 validation rows picked C = 1 on IMDB where 10 was better.
  const cvKinds: FitKind[] = useCv ? kinds : kinds.filter((kind) => kind === 'encoder' && !given && nTr >= 2 * CV_FOLDS && nVal < CV_HEAD_BELOW_VAL_ROWS && cvAffordable([kind]));
  const refitKinds = refitKindsFor(input.refit, kinds);
  const pathFits = (ks: readonly FitKind[]) => ks.reduce((n, kind) => n + C_PATH[kind].length, 0);
  const totalFits = pathFits(kinds) + (cvKinds.length > 0 ? CV_FOLDS * pathFits(cvKinds) : 0) + refitKinds.length;
  let fitsDone = 0;
  const fitDone = () => hooks.onFit?.(++fitsDone, totalFits);
  // Seconds per kind: its C path, its cross-validation folds and its refit (features shared by all are not counted).
  const kindSeconds: Partial<Record<FitKind, number>> = {};
  const full = fitPaths(kinds, features, trainRows, valRows, yAll, k, input.classWeights, hooks, kindSeconds, fitDone);
  hooks.onStage?.('baseline', 1, 1);
  const oof = {} as Record<FitKind, Float32Array[]>;
  for (const kind of cvKinds) oof[kind] = full[kind].probs.map(() => new Float32Array((nTr + nVal) * k));
  if (cvKinds.length > 0) {
    for (const kind of cvKinds) full[kind].probs.forEach((p, ci) => oof[kind][ci]!.set(p, nTr * k));
    const folds = stratifiedFolds(input.trainY, CV_FOLDS, nTr);
    folds.forEach((held, f) => {
      const heldSet = new Set(held);
      const fit = fitPaths(cvKinds, features, trainRows.filter((r) => !heldSet.has(r)), held, yAll, k, input.classWeights, hooks, kindSeconds, fitDone);
      for (const kind of cvKinds) {
        fit[kind].probs.forEach((p, ci) => held.forEach((r, j) => oof[kind][ci]!.set(p.subarray(j * k, (j + 1) * k), r * k)));
      }
      hooks.onStage?.('encoder', f + 1, folds.length);
    });
  }
  const selProbs = {} as Record<FitKind, Float32Array[]>;
  for (const kind of kinds) selProbs[kind] = useCv ? oof[kind] : full[kind].probs;

  // Per kind: the best C by held-out macro-F1 (ties → log-loss). On fewer than ONE_SE_BELOW_ROWS
  // held-out rows, the strongest regularisation (smallest C) within one standard error of the
  // best instead (the "one-standard-error rule"): there many C tie within noise, and the largest
  // gave confident, unstable predictions (the 40-row sample chose C = 100 and called an ordinary
  // sentence 67% negative). Measured on IMDB: +0.7 point at 100 rows; applied at 500 and 2,000
  // rows it cost 1.6 and 0.7 points, hence the threshold.
  const yTrVal = Int32Array.from(yAll);
  const chosen = {} as Record<FitKind, number>;
  for (const kind of kinds) {
    const [probs, ys] = oof[kind] ? [oof[kind], yTrVal] : [selProbs[kind], selY];
    const scores = probs.map((p) => score(p, ys, k));
    let best = 0;
    scores.forEach((s, ci) => {
      if (better(s, scores[best]!)) best = ci;
    });
    const f = scores[best]!.f1;
    const se = Math.sqrt(Math.max(f * (1 - f), 1e-12) / ys.length);
    chosen[kind] = ys.length < ONE_SE_BELOW_ROWS ? scores.findIndex((s) => s.f1 >= f - se) : best;
  }
  const candidates: CandidateScore[] = [];
  const selScores = new Map<ModelKind, { f1: number; loss: number }>();
  const selOf = new Map<ModelKind, Float32Array>();
  const valOf = new Map<ModelKind, Float32Array>();
  const addCandidate = (kind: ModelKind, val: Float32Array, sel: Float32Array, setting: string, seconds: number) => {
    const v = score(val, input.valY, k);
    const s = score(sel, selY, k);
    candidates.push({ kind, metrics: v.metrics, selectionF1: s.f1, valLoss: v.loss, setting, seconds });
    selScores.set(kind, { f1: s.f1, loss: s.loss });
    selOf.set(kind, sel);
    valOf.set(kind, val);
  };
  for (const kind of kinds) addCandidate(kind, full[kind].probs[chosen[kind]]!, selProbs[kind][chosen[kind]]!, `C = ${C_PATH[kind][chosen[kind]]}`, kindSeconds[kind] ?? 0);
  if (given) addCandidate('encoder', given, given, 'trained by the caller', 0);

  let blendWeight = 0.5;
  let partTemperatures: [number, number] = [1, 1];
  const encVal = valOf.get('encoder');
  if (encVal && wanted('blend')) {
    // Each part is first calibrated on its own (a strongly fitted n-gram model is over-confident,
    // and a weight fitted on raw log-loss then flees to the other part), then the weight is fitted
    // on the log-loss of the calibrated blend.
    partTemperatures = [fitTemperature(selOf.get('encoder')!, selY, k).temperature, fitTemperature(selOf.get('baseline')!, selY, k).temperature];
    const cal = (p: Float32Array, t: number) => applyTemperature(p.slice(), k, t);
    const [encSel, baseSel] = [cal(selOf.get('encoder')!, partTemperatures[0]), cal(selOf.get('baseline')!, partTemperatures[1])];
    let best: { w: number; loss: number } | null = null;
    for (let step = 0; step <= BLEND_STEPS; step++) {
      const w = step / BLEND_STEPS;
      const loss = logLoss(blendProbs(encSel, baseSel, w), selY, k);
      if (!best || loss < best.loss - TIE) best = { w, loss };
    }
    blendWeight = best!.w;
    const encValCal = cal(encVal, partTemperatures[0]);
    const baseValCal = cal(valOf.get('baseline')!, partTemperatures[1]);
    // A weight of 0 or 1 is one of the parts, not a blend: it is not offered as a model of its own
    // (it would win ties on log-loss alone and call itself "blended").
    if (blendWeight > 0 && blendWeight < 1) {
      // The blend's own cost is its parts' (already counted) plus the weight search (milliseconds).
      addCandidate('blend', blendProbs(encValCal, baseValCal, blendWeight), blendProbs(encSel, baseSel, blendWeight), `encoder weight ${blendWeight.toFixed(2)}`, (kindSeconds.encoder ?? 0) + (kindSeconds.baseline ?? 0));
    }
    hooks.onStage?.('blend', 1, 1);
  }

  let kept: ModelKind | null = null;
  for (const c of candidates) if (better(selScores.get(c.kind)!, kept && selScores.get(kept)!)) kept = c.kind;
  const best = kept!;
  if (input.keep && candidates.some((c) => c.kind === input.keep)) kept = input.keep;
  hooks.onStage?.('calibrate', 0, 1);
  const calibration = fitTemperature(selOf.get(kept!)!, selY, k);
  const calibrated = applyTemperature(valOf.get(kept!)!.slice(), k, calibration.temperature);
  hooks.onStage?.('calibrate', 1, 1);

  // Refit: every choice above was made on rows the models never saw; the models given to the user
  // are then fitted once more on training + validation rows with those choices (scikit-learn's
  // `refit`), so no labelled row is left out of the final model. n-gram features are fitted anew
  // (validation-only words get columns, IDF counts every row). The encoder head is not refitted:
  // it seeds fine-tuning, whose early stopping watches the same validation rows.
  const finalModels = {} as Record<FitKind, LinearModel>;
  for (const kind of kinds) finalModels[kind] = full[kind].models[chosen[kind]]!;
  let finalVectorizer = vectorizer;
  if (refitKinds.length > 0) {
    hooks.onStage?.('refit', 0, 1);
    const allRows = [...trainRows, ...valRows];
    let refitFeatures = features;
    if (refitKinds.some((kind) => kind !== 'encoder')) {
      finalVectorizer = fitVectorizer([...input.trainTexts, ...input.valTexts], vectorizer.config, { maxColumns });
      const xRefit = transform(finalVectorizer, [...input.trainTexts, ...input.valTexts]);
      refitFeatures = (kind, rows) => ({
        rows: rows.length,
        sparse: kind === 'encoder' ? null : sparseRows(xRefit, rows),
        dense: kind === 'baseline' ? null : denseRows(rows, kind === 'hybrid' ? embScale : 1),
      });
    }
    const weights = sampleWeights(yAll, k, input.classWeights);
    for (const kind of refitKinds) {
      if (hooks.shouldStop?.()) throw new StoppedError('invalid-argument', 'stopped by the user');
      // n-gram columns changed with the new vectorizer: those start cold; the encoder head warm.
      const init = kind === 'encoder' ? finalModels.encoder : null;
      const t0 = performance.now();
      finalModels[kind] = fitLogReg(refitFeatures(kind, allRows), yAll, k, { C: C_PATH[kind][chosen[kind]]!, sampleWeights: weights, init }).model;
      fitDone();
      const candidate = candidates.find((c) => c.kind === kind);
      if (candidate) candidate.seconds += (performance.now() - t0) / 1000;
    }
    hooks.onStage?.('refit', 1, 1);
  }
  const baseModel = finalModels.baseline;
  const hybrid = kinds.includes('hybrid') ? finalModels.hybrid : null;
  const encoderHead = kinds.includes('encoder') ? finalModels.encoder : null;
  const as = (kind: ModelKind, temperature: number): TextModel => ({
    kept: kind,
    vectorizer: kind === 'encoder' ? null : finalVectorizer,
    ngram: kind === 'baseline' || kind === 'blend' ? baseModel : null,
    hybrid: kind === 'hybrid' ? hybrid : null,
    embeddingScale: embScale,
    blendWeight,
    partTemperatures,
    temperature,
  });
  const all: Partial<Record<ModelKind, TextModel>> = {};
  for (const c of candidates) all[c.kind] = as(c.kind, 1);
  const how = useCv ? `${selRows.length} rows: ${CV_FOLDS}-fold cross-validation of the training rows + the validation rows` : `on the ${nVal} validation rows`;
  return {
    model: as(kept!, calibration.temperature),
    all,
    encoderHead,
    comparison: { valRows: nVal, selectionRows: selRows.length, crossValidated: useCv, refitRows: refitKinds.some((kind) => kind !== 'encoder') ? nTr + nVal : nTr, candidates, kept: kept!, calibration, summary: kept === best ? summarise(kept!, selScores, how) : keptOnRequest(kept!, best, selScores, how) },
    valProbs: calibrated,
  };
}

/** Whether predicting with this model needs the encoder's embeddings / probabilities. */
export function needsEncoder(m: TextModel): boolean {
  return m.kept !== 'baseline';
}

/**
 * Probabilities of the kept model. `encoderProbs`: the encoder model's probabilities ('encoder',
 * 'blend'); `embeddings`: the frozen embeddings ('hybrid'). Both null for 'baseline'.
 */
export function predictTextModel(m: TextModel, texts: readonly string[], encoderProbs: Float32Array | null, embeddings: { data: Float32Array; dim: number } | null, k: number): Float32Array {
  const ngramFeatures = (): SparseRows => {
    if (!m.vectorizer) throw new TrainError('invalid-argument', `predictTextModel: a ${m.kept} model needs its n-gram vectorizer`);
    return transform(m.vectorizer, texts);
  };
  let probs: Float32Array;
  switch (m.kept) {
    case 'baseline':
      probs = predictLinear(m.ngram!, { rows: texts.length, sparse: ngramFeatures(), dense: null });
      break;
    case 'encoder':
      if (!encoderProbs) throw new TrainError('invalid-argument', 'predictTextModel: the encoder model needs encoder probabilities');
      probs = encoderProbs.slice();
      break;
    case 'hybrid': {
      if (!embeddings) throw new TrainError('invalid-argument', 'predictTextModel: the hybrid model needs embeddings');
      const scale = m.embeddingScale ?? 1;
      const dense = scale === 1 ? embeddings : { data: embeddings.data.map((v) => v * scale), dim: embeddings.dim };
      probs = predictLinear(m.hybrid!, { rows: texts.length, sparse: ngramFeatures(), dense });
      break;
    }
    case 'blend': {
      if (!encoderProbs) throw new TrainError('invalid-argument', 'predictTextModel: the blend needs encoder probabilities');
      const base = predictLinear(m.ngram!, { rows: texts.length, sparse: ngramFeatures(), dense: null });
      const [te, tb] = m.partTemperatures ?? [1, 1];
      probs = blendProbs(applyTemperature(encoderProbs.slice(), k, te), applyTemperature(base, k, tb), m.blendWeight);
      break;
    }
  }
  if (probs.length !== texts.length * k) throw new TrainError('invalid-argument', `predictTextModel: expected ${texts.length} × ${k} probabilities`);
  return applyTemperature(probs, k, m.temperature);
}
