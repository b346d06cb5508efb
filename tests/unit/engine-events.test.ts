// Worker events carry their request's id: the client hands each request's events to that call's
// listener only (and every event to subscribers), and a page's task state (app/task-state.ts, the
// reducer behind useEngineTask) goes running → progress → done / stopped / failed for its own run.
import { describe, expect, it } from 'vitest';
import { WorkerEngineClient } from '../../src/worker/client';
import type { EngineEvent, FromWorker, ToWorker } from '../../src/worker/protocol';
import { IDLE_TASK, taskReducer, type TaskAction, type TaskState } from '../../src/app/task-state';

/** A Worker stand-in: records what the client posts; the test answers as the worker would. */
class FakeWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  readonly posted: ToWorker[] = [];
  postMessage(msg: ToWorker): void {
    this.posted.push(msg);
  }
  terminate(): void {}
  send(msg: FromWorker): void {
    this.onmessage?.({ data: msg } as MessageEvent<FromWorker>);
  }
}

const progress = (done: number, task: 'parse' | 'predict' | 'train' = 'train'): EngineEvent => ({ type: 'progress', task, done, total: 10, etaSeconds: null, detail: null });

describe('WorkerEngineClient routes events by request id', () => {
  it('gives each call its own events, in order, and every event to subscribers', async () => {
    const worker = new FakeWorker();
    const client = new WorkerEngineClient(worker as unknown as Worker);
    const seenA: EngineEvent[] = [];
    const seenB: EngineEvent[] = [];
    const seenAll: [EngineEvent, number | null][] = [];
    client.subscribe((e, id) => seenAll.push([e, id]));
    const a = client.call('train.start', { datasetId: 'd', encoderId: 'use-lite', config: {} as never }, (e) => seenA.push(e));
    const b = client.call('import.open', { file: new Blob(['x']), fileName: 'x.csv' }, (e) => seenB.push(e));
    const [idA, idB] = worker.posted.map((m) => m.id);
    expect(idA).not.toBe(idB);

    worker.send({ kind: 'event', event: progress(1), requestId: idA });
    worker.send({ kind: 'event', event: progress(5, 'parse'), requestId: idB });
    worker.send({ kind: 'event', event: progress(2), requestId: idA });
    const backend: EngineEvent = { type: 'perf', encoderId: 'use-lite', choice: null };
    worker.send({ kind: 'event', event: backend });
    worker.send({ kind: 'result', id: idB!, result: { importId: 'i' } });
    worker.send({ kind: 'result', id: idA!, result: { id: 'r' } });

    expect(seenA).toEqual([progress(1), progress(2)]);
    expect(seenB).toEqual([progress(5, 'parse')]);
    expect(seenAll).toEqual([[progress(1), idA], [progress(5, 'parse'), idB], [progress(2), idA], [backend, null]]);
    await expect(a).resolves.toEqual({ id: 'r' });
    await expect(b).resolves.toEqual({ importId: 'i' });
  });

  it('drops a request’s listener once it settles, answered or failed', async () => {
    const worker = new FakeWorker();
    const client = new WorkerEngineClient(worker as unknown as Worker);
    const seen: EngineEvent[] = [];
    const p = client.call('predict.batch', { runId: 'r', file: new Blob(['a']), fileName: 'a.csv' }, (e) => seen.push(e));
    const id = worker.posted[0]!.id;
    worker.send({ kind: 'event', event: progress(3, 'predict'), requestId: id });
    worker.send({ kind: 'error', id, error: { name: 'EngineError', code: 'CANCELLED', message: 'stopped' } });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    // A stray event of a finished request reaches nobody's listener (subscribers still see it).
    worker.send({ kind: 'event', event: progress(4, 'predict'), requestId: id });
    expect(seen).toEqual([progress(3, 'predict')]);
  });

  it('a call without a listener still works, and its events still reach subscribers', async () => {
    const worker = new FakeWorker();
    const client = new WorkerEngineClient(worker as unknown as Worker);
    const all: (number | null)[] = [];
    client.subscribe((_e, id) => all.push(id));
    const p = client.call('encoder.load', { id: 'use-lite' });
    const id = worker.posted[0]!.id;
    worker.send({ kind: 'event', event: progress(1, 'parse'), requestId: id });
    worker.send({ kind: 'result', id, result: null });
    await p;
    expect(all).toEqual([id]);
  });
});

describe('taskReducer: one page task’s state', () => {
  const run = (actions: TaskAction[], from: TaskState = IDLE_TASK) => actions.reduce(taskReducer, from);
  const event = (ticket: number, e: EngineEvent, tasks?: ('train' | 'parse')[]): TaskAction => ({ type: 'event', ticket, event: e, tasks });

  it('running → progress → done, progress cleared at the end', () => {
    const s1 = run([{ type: 'start', ticket: 1, progress: null }]);
    expect(s1).toMatchObject({ status: 'running', progress: null, error: null, stopping: false });
    const s2 = run([event(1, progress(3))], s1);
    expect(s2.progress).toEqual({ task: 'train', done: 3, total: 10, etaSeconds: null, detail: null });
    const s3 = run([{ type: 'settle', ticket: 1, ok: true }], s2);
    expect(s3).toMatchObject({ status: 'done', progress: null, stopping: false, error: null });
  });

  it('an initial progress shows until the first event; other tasks’ progress and other events are ignored', () => {
    const initial = { task: 'parse' as const, done: 0, total: 1, etaSeconds: null, detail: null };
    const s = run([{ type: 'start', ticket: 1, progress: initial }, event(1, progress(2, 'train'), ['parse']), event(1, { type: 'log', level: 'warn', message: 'x' })]);
    expect(s.progress).toEqual(initial);
    expect(run([event(1, progress(4, 'parse'), ['parse'])], s).progress?.done).toBe(4);
  });

  it('Stop: stopping until it ends, then stopped (with its result) or failed', () => {
    const stopping = run([{ type: 'start', ticket: 1, progress: null }, { type: 'stop', ticket: 1 }]);
    expect(stopping).toMatchObject({ status: 'running', stopping: true });
    expect(run([{ type: 'settle', ticket: 1, ok: true }], stopping)).toMatchObject({ status: 'stopped', stopping: false });
    const err = new Error('stopped while embedding');
    expect(run([{ type: 'settle', ticket: 1, ok: false, error: err }], stopping)).toMatchObject({ status: 'failed', stopping: false, error: err });
    // Stop when nothing runs changes nothing.
    expect(run([{ type: 'stop', ticket: 0 }])).toBe(IDLE_TASK);
  });

  it('error: kept until the next start or clearError', () => {
    const err = new Error('BUSY');
    const failed = run([{ type: 'start', ticket: 1, progress: null }, event(1, progress(1)), { type: 'settle', ticket: 1, ok: false, error: err }]);
    expect(failed).toMatchObject({ status: 'failed', error: err, progress: null });
    expect(run([{ type: 'clearError' }], failed)).toMatchObject({ status: 'idle', error: null });
    expect(run([{ type: 'start', ticket: 2, progress: null }], failed)).toMatchObject({ status: 'running', error: null });
  });

  it('a late event or answer of an earlier run does not touch the current one', () => {
    const s = run([{ type: 'start', ticket: 1, progress: null }, { type: 'start', ticket: 2, progress: null }, event(1, progress(9)), { type: 'settle', ticket: 1, ok: false, error: new Error('old') }]);
    expect(s).toMatchObject({ status: 'running', ticket: 2, progress: null, error: null });
    expect(run([{ type: 'stop', ticket: 1 }], s).stopping).toBe(false);
  });
});

describe('the engine tags a request’s work with the request', () => {
  it('import.open reports its parsing to the request’s emitter, not to everyone', async () => {
    const { createEngine } = await import('../../src/worker/engine');
    const broadcast: EngineEvent[] = [];
    const mine: EngineEvent[] = [];
    const engine = createEngine((e) => broadcast.push(e));
    const csv = ['text,label', ...Array.from({ length: 20 }, (_, i) => `row ${i},${i % 2 ? 'a' : 'b'}`)].join('\n');
    const preview = await engine['import.open']({ file: new Blob([csv]), fileName: 'x.csv' }, (e) => mine.push(e));
    expect(preview.rowCount).toBe(20);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.type === 'progress' && e.task === 'parse')).toBe(true);
    expect(mine.at(-1)).toMatchObject({ done: 1000, total: 1000 });
    expect(broadcast).toEqual([]);
  });
});
