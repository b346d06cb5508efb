// Number and size formatting shared by the views.

export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/**
 * A share as a percentage. Values that would round to 0 or 100 at this precision read "<0.1%" /
 * ">99.9%": a model is never certain, and a saturated float32 softmax (exactly 1) or a perfect
 * score on a handful of rows says less than "100.0%" suggests.
 */
export function pct(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  const step = 10 ** -digits;
  const shown = x * 100;
  if (shown > 100 - step / 2) return `>${(100 - step).toFixed(digits)}%`;
  if (shown < step / 2) return `<${step.toFixed(digits)}%`;
  return `${shown.toFixed(digits)}%`;
}

/** Below this many validation rows a headline number moves by several points per row: say so. */
export const FEW_VALIDATION_ROWS = 50;

/** Validation rows behind a run's metrics (the per-class supports add up to them). */
export function validationRows(perClass: readonly { support: number }[]): number {
  return perClass.reduce((n, c) => n + c.support, 0);
}

/** "on 8 validation rows", with the caveat when they are few. */
export function validationNote(rows: number): { text: string; few: boolean } {
  const few = rows < FEW_VALIDATION_ROWS;
  return {
    text: `on ${rows} validation row${rows === 1 ? '' : 's'}${few ? ` — few rows: one row moves accuracy by ${pct(1 / Math.max(1, rows), 0)}` : ''}`,
    few,
  };
}

/** A top probability below this (or a margin to the runner-up below LOW_MARGIN) is a guess. */
export const LOW_CONFIDENCE = 0.6;
export const LOW_MARGIN = 0.2;

/** The top label and the runner-up of one row of probabilities, and whether the model is guessing. */
export function confidenceOf(probabilities: ArrayLike<number>): { top: number; second: number; low: boolean } {
  let top = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[top]!) top = i;
  let second = -1;
  for (let i = 0; i < probabilities.length; i++) if (i !== top && (second < 0 || probabilities[i]! > probabilities[second]!)) second = i;
  const p = probabilities[top] ?? 0;
  const margin = second < 0 ? p : p - probabilities[second]!;
  return { top, second, low: p < LOW_CONFIDENCE || margin < LOW_MARGIN };
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * A chart axis label: two decimals for 0.1–10 (accuracy, a typical loss), whole numbers above, and
 * two significant digits below 0.1 — a fine-tune's loss of 0.003 had every tick read "0.00".
 */
export function axisTick(t: number): string {
  if (t === 0) return '0';
  if (Math.abs(t) >= 10) return t.toFixed(0);
  if (Math.abs(t) >= 0.1) return t.toFixed(2);
  // A converged fine-tune's loss reaches 1e-6: "0.000001" next to "5.2e-7" read as two scales.
  if (Math.abs(t) < 0.001) return t.toExponential(1);
  return String(Number(t.toPrecision(2)));
}
