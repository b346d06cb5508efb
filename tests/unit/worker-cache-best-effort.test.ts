// The embedding cache may fail to write (quota) without failing the run (issue 9).
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/worker/errors';
import type { EngineEvent } from '../../src/worker/protocol';
import { cacheBestEffort } from '../../src/worker/trainer';

describe('cacheBestEffort', () => {
  it('a quota error becomes a warning and the caller goes on', async () => {
    const events: EngineEvent[] = [];
    const ok = await cacheBestEffort(async () => {
      throw new EngineError('QUOTA_EXCEEDED', 'The browser refused to store more data');
    }, (e) => events.push(e));
    expect(ok).toBe(false);
    expect(events).toEqual([{ type: 'log', level: 'warn', message: expect.stringMatching(/^The embeddings were not cached \(storage is full\); training goes on/) }]);
  });

  it('a successful write says nothing', async () => {
    const events: EngineEvent[] = [];
    expect(await cacheBestEffort(async () => undefined, (e) => events.push(e))).toBe(true);
    expect(events).toEqual([]);
  });
});
