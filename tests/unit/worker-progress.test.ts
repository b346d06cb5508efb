import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressReporter } from '../../src/worker/progress';
import type { EngineEvent } from '../../src/worker/protocol';

describe('progressReporter', () => {
  afterEach(() => vi.useRealTimers());

  it('throttles to one event per 100 ms but always reports the end, with an ETA', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const events: EngineEvent[] = [];
    const report = progressReporter((e) => events.push(e), 'embed');
    report(1, 10);
    report(2, 10); // within 100 ms: dropped
    vi.advanceTimersByTime(1000);
    report(5, 10);
    report(10, 10); // the end is never dropped
    expect(events.map((e) => (e.type === 'progress' ? e.done : -1))).toEqual([1, 5, 10]);
    const mid = events[1]!;
    expect(mid.type === 'progress' && mid.etaSeconds).toBeCloseTo(1, 5); // 1 s for 5 → 1 s for the other 5
    const end = events[2]!;
    expect(end.type === 'progress' && end.etaSeconds).toBe(null);
  });
});
