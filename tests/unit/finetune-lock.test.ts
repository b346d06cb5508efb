// One owner per fine-tune job across tabs (issue 9): withJobLock over the Web Locks API. Two
// "tabs" share one LockManager here (a minimal in-memory one with the browser's ifAvailable
// semantics); the browser's own is exercised end to end.
import { describe, expect, it } from 'vitest';
import { jobsRunningAnywhere, RUNNING_ELSEWHERE, withJobLock } from '../../src/worker/finetune-jobs';

class MemoryLocks {
  readonly held = new Set<string>();
  async request<T>(name: string, options: LockOptions, callback: (lock: Lock | null) => Promise<T>): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error('MemoryLocks only implements ifAvailable');
    }
    this.held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' } as Lock);
    } finally {
      this.held.delete(name);
    }
  }
  async query(): Promise<LockManagerSnapshot> {
    return { held: [...this.held].map((name) => ({ name, mode: 'exclusive', clientId: 'x' })), pending: [] };
  }
}

describe('withJobLock', () => {
  it('a second tab cannot run, resume or discard a job the first tab runs; it can once the first is done', async () => {
    const locks = new MemoryLocks() as unknown as LockManager;
    let finish!: () => void;
    const running = withJobLock('ft-1', () => new Promise<string>((r) => (finish = () => r('saved'))), locks);
    await Promise.resolve();
    expect(await jobsRunningAnywhere(locks)).toEqual(new Set(['ft-1']));
    let ranTwice = false;
    await expect(withJobLock('ft-1', async () => (ranTwice = true), locks)).rejects.toMatchObject({ code: 'BUSY', message: RUNNING_ELSEWHERE });
    expect(ranTwice).toBe(false);
    // Another job is not blocked.
    await expect(withJobLock('ft-2', async () => 'other', locks)).resolves.toBe('other');
    finish();
    await expect(running).resolves.toBe('saved');
    expect(await jobsRunningAnywhere(locks)).toEqual(new Set());
    await expect(withJobLock('ft-1', async () => 'resumed', locks)).resolves.toBe('resumed');
  });

  it('a failing owner releases the lock (a crashed run can be resumed)', async () => {
    const locks = new MemoryLocks() as unknown as LockManager;
    await expect(withJobLock('ft-3', async () => { throw new Error('tab crashed'); }, locks)).rejects.toThrow('tab crashed');
    await expect(withJobLock('ft-3', async () => 'resumed', locks)).resolves.toBe('resumed');
  });

  it('without a LockManager (Node) the job simply runs', async () => {
    await expect(withJobLock('ft-4', async () => 'ok', null)).resolves.toBe('ok');
    expect(await jobsRunningAnywhere(null)).toEqual(new Set());
  });
});
