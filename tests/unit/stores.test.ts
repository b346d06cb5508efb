// One list of runs and of datasets per client (src/app/stores.ts), invalidated by the engine's
// 'changed' events, which the engine posts after a request that changed records succeeds and
// before its answer (src/worker/engine.ts announcingChanges).
import { describe, expect, it } from 'vitest';
import { ListStore, storesOf } from '../../src/app/stores';
import { announcingChanges, CHANGES, type Handlers } from '../../src/worker/engine';
import type { EngineClient, EventListener } from '../../src/worker/client';
import type { EngineEvent, Method } from '../../src/worker/protocol';

/** A fetch the test answers by hand, in any order. */
function manualFetch<T>() {
  const calls: { resolve(v: T[]): void; reject(e: unknown): void }[] = [];
  const fetch = () => new Promise<T[]>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, fetch };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ListStore', () => {
  it('fetches when first shown, not before; fresh once answered', async () => {
    const { calls, fetch } = manualFetch<string>();
    const store = new ListStore(fetch);
    expect(calls).toHaveLength(0);
    const unsubscribe = store.subscribe(() => undefined);
    expect(calls).toHaveLength(1);
    calls[0]!.resolve(['a']);
    await settle();
    expect(store.get()).toMatchObject({ items: ['a'], fresh: true, error: null, version: 0 });
    unsubscribe();
  });

  it('a change makes the list stale at once and refetches; an answer to the older fetch is dropped', async () => {
    const { calls, fetch } = manualFetch<string>();
    const store = new ListStore(fetch);
    store.subscribe(() => undefined);
    store.invalidate();
    expect(store.get()).toMatchObject({ fresh: false, version: 1 });
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(['a', 'b']);
    calls[0]!.resolve(['a']);
    await settle();
    expect(store.get()).toMatchObject({ items: ['a', 'b'], fresh: true, version: 1 });
  });

  it('a change while nobody shows the list: fetched when someone does', async () => {
    const { calls, fetch } = manualFetch<string>();
    const store = new ListStore(fetch);
    const off = store.subscribe(() => undefined);
    calls[0]!.resolve(['a']);
    await settle();
    off();
    store.invalidate();
    expect(calls).toHaveLength(1);
    store.subscribe(() => undefined);
    expect(calls).toHaveLength(2);
  });

  it('a refresh that finds records added or deleted elsewhere (another tab) counts as a change; one that finds the same does not', async () => {
    const { calls, fetch } = manualFetch<{ id: string; name: string }>();
    const store = new ListStore(fetch);
    store.subscribe(() => undefined);
    calls[0]!.resolve([{ id: 'r1', name: 'a' }, { id: 'r2', name: 'b' }]);
    await settle();
    store.refresh();
    calls[1]!.resolve([{ id: 'r1', name: 'a (renamed)' }, { id: 'r2', name: 'b' }]);
    await settle();
    expect(store.get()).toMatchObject({ fresh: true, version: 0 });
    store.refresh();
    calls[2]!.resolve([{ id: 'r2', name: 'b' }]);
    await settle();
    expect(store.get()).toMatchObject({ items: [{ id: 'r2' }], fresh: true, version: 1 });
  });

  it('refresh joins a fetch under way; a failed fetch keeps the items and says why', async () => {
    const { calls, fetch } = manualFetch<string>();
    const store = new ListStore(fetch);
    store.subscribe(() => undefined);
    store.refresh();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve(['a']);
    await settle();
    store.refresh();
    expect(calls).toHaveLength(2);
    expect(store.get().fresh).toBe(false);
    const err = new Error('quota');
    calls[1]!.reject(err);
    await settle();
    expect(store.get()).toMatchObject({ items: ['a'], error: err });
  });
});

describe('storesOf: lists invalidated by the client’s change events', () => {
  it('a "changed" event for runs refetches the runs only', async () => {
    const listeners = new Set<EventListener>();
    const asked: Method[] = [];
    const client: EngineClient = {
      call: ((method: Method) => {
        asked.push(method);
        return Promise.resolve([]);
      }) as EngineClient['call'],
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      dispose: () => undefined,
    };
    const stores = storesOf(client);
    expect(storesOf(client)).toBe(stores);
    stores.runs.subscribe(() => undefined);
    stores.datasets.subscribe(() => undefined);
    await settle();
    asked.length = 0;
    for (const l of listeners) l({ type: 'changed', what: 'runs' }, null);
    expect(asked).toEqual(['runs.list']);
    expect(stores.runs.get().version).toBe(1);
    expect(stores.datasets.get().version).toBe(0);
  });
});

describe('announcingChanges', () => {
  it('says what a request changed after it succeeds (before its answer goes out), and nothing when it fails or changes nothing', async () => {
    const order: string[] = [];
    const handlers = {
      'runs.rename': async () => {
        order.push('renamed');
        return { id: 'r' };
      },
      'datasets.delete': async () => {
        throw new Error('NOT_FOUND');
      },
      'runs.list': async () => [],
    } as unknown as Handlers;
    const engine = announcingChanges(handlers, (e: EngineEvent) => order.push(e.type === 'changed' ? `changed ${e.what}` : e.type));
    const noEvents = () => undefined;
    await engine['runs.rename']({ id: 'r', name: 'x' }, noEvents).then(() => order.push('answered'));
    await engine['datasets.delete']({ id: 'd' }, noEvents).catch(() => order.push('failed'));
    await engine['runs.list'](null, noEvents);
    expect(order).toEqual(['renamed', 'changed runs', 'answered', 'failed']);
  });

  it('every request that saves a run or a dataset is listed', () => {
    for (const m of ['train.start', 'finetune.start', 'finetune.resume', 'import.bundle', 'import.hf', 'runs.delete', 'runs.rename'] as const) expect(CHANGES[m]).toContain('runs');
    for (const m of ['import.save', 'datasets.label', 'datasets.rename', 'datasets.delete'] as const) expect(CHANGES[m]).toContain('datasets');
  });
});
