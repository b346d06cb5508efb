import type { EngineEvent, ProgressTask } from './protocol';

export type Emit = (event: EngineEvent) => void;

/** Progress events at most every 100 ms (plus the final one), so the UI thread is not flooded. */
export function progressReporter(emit: Emit, task: ProgressTask) {
  const started = performance.now();
  let last = Number.NEGATIVE_INFINITY;
  return (done: number, total: number, detail: string | null = null): void => {
    const now = performance.now();
    if (done < total && now - last < 100) return;
    last = now;
    const elapsed = (now - started) / 1000;
    const etaSeconds = done > 0 && done < total && elapsed > 0.5 ? (elapsed / done) * (total - done) : null;
    emit({ type: 'progress', task, done, total, etaSeconds, detail });
  };
}

