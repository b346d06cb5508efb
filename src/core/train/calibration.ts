// Honest probabilities: temperature scaling fitted on the validation rows, and the expected
// calibration error (ECE) that says how far confidence is from accuracy.
//
// p_T ∝ p^(1/T), i.e. softmax(log p / T): T > 1 softens an over-confident model, T < 1 sharpens
// an under-confident one; the argmax (hence accuracy and F1) never changes. T minimises the
// validation negative log-likelihood over log T ∈ [ln ¼, ln 10] (golden-section search). With few
// validation rows the fitted log T is shrunk towards 0 (T = 1) by n / (n + 30): 15 rows are too
// few to trust a strong correction, and a validation set without a single error would otherwise
// push T towards 0 and make the model *more* certain.
import { argmaxRow, logLoss } from './scores';

export const ECE_BINS = 10;

/** In place: rows of probabilities → rows of p^(1/T), renormalised. */
export function applyTemperature(probs: Float32Array, k: number, temperature: number): Float32Array {
  if (temperature === 1) return probs;
  const inv = 1 / temperature;
  const rows = probs.length / k;
  const logs = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) {
      logs[c] = Math.log(Math.max(probs[i * k + c]!, 1e-30)) * inv;
      m = Math.max(m, logs[c]!);
    }
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(logs[c]! - m);
    for (let c = 0; c < k; c++) probs[i * k + c] = Math.exp(logs[c]! - m) / s;
  }
  return probs;
}

export { logLoss };

/**
 * Expected calibration error: rows binned by their top probability into ECE_BINS equal-width
 * bins; Σ_bins (rows in bin / rows) × |accuracy − mean confidence| in the bin.
 */
export function expectedCalibrationError(probs: Float32Array, y: ArrayLike<number>, k: number, bins = ECE_BINS): number {
  const n = y.length;
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const arg = argmaxRow(probs, i, k);
    const p = probs[i * k + arg]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]!++;
    conf[b]! += p;
    if (arg === y[i]) correct[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(correct[b]! - conf[b]!) / n;
  return ece;
}

export interface Calibration {
  temperature: number;
  eceBefore: number;
  eceAfter: number;
}

const LOG_T_MIN = Math.log(0.25);
const LOG_T_MAX = Math.log(10);
const SHRINK_ROWS = 30;

/** Fits the temperature on validation probabilities (not modified). */
export function fitTemperature(probs: Float32Array, y: ArrayLike<number>, k: number): Calibration {
  const n = y.length;
  const eceBefore = expectedCalibrationError(probs, y, k);
  if (n === 0) return { temperature: 1, eceBefore, eceAfter: eceBefore };
  const nll = (logT: number) => logLoss(applyTemperature(probs.slice(), k, Math.exp(logT)), y, k);
  // Golden-section search: NLL is unimodal in log T for a fixed set of probabilities.
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = LOG_T_MIN;
  let b = LOG_T_MAX;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let it = 0; it < 40; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = nll(d);
    }
  }
  const logT = ((a + b) / 2) * (n / (n + SHRINK_ROWS));
  const temperature = Math.exp(logT);
  const eceAfter = expectedCalibrationError(applyTemperature(probs.slice(), k, temperature), y, k);
  return { temperature, eceBefore, eceAfter };
}
