// The stored runs and datasets as the UI sees them: one list of each per engine client, fetched
// when a component first shows it and again whenever the engine says it changed (a 'changed'
// event, which the worker posts before the answer of the request that changed it: by the time a
// page acts on that answer, the list is already marked stale). No page keeps its own copy, and
// nobody has to remember to bump a version after a request that saves something.
import type { EngineClient } from '../worker/client';
import type { DatasetMeta, RunSummary, StoredKind } from '../worker/protocol';

export interface ListSnapshot<T> {
  /** null until the first answer. */
  items: T[] | null;
  /** The last fetch's error (null after a good one). */
  error: unknown;
  /**
   * True when no change was announced (or refresh asked) since the list was fetched. A list that is
   * not fresh may lack a record saved a moment ago: its absence then does not mean "deleted".
   */
  fresh: boolean;
  /** Counts the changes announced: what is derived from the records (a run's detail) refetches on it. */
  version: number;
}

/** One list, useSyncExternalStore-shaped (subscribe, get). */
export class ListStore<T> {
  private snapshot: ListSnapshot<T> = { items: null, error: null, fresh: false, version: 0 };
  private readonly listeners = new Set<() => void>();
  private stale = true;
  /** The fetch whose answer counts (an answer to an older one is dropped). */
  private generation = 0;
  private loading = false;

  constructor(private readonly fetch: () => Promise<T[]>) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.stale && !this.loading) this.load();
    return () => this.listeners.delete(listener);
  };

  readonly get = (): ListSnapshot<T> => this.snapshot;

  /** The records changed: fetch again now if anyone shows them, else when someone does. */
  invalidate(): void {
    this.stale = true;
    this.set({ ...this.snapshot, fresh: false, version: this.snapshot.version + 1 });
    if (this.listeners.size > 0) this.load();
  }

  /** Fetch again (changes made where no event reaches: another tab), unless a fetch is under way. */
  refresh(): void {
    if (this.loading) return;
    this.set({ ...this.snapshot, fresh: false });
    this.load();
  }

  private load(): void {
    this.stale = false;
    this.loading = true;
    const generation = ++this.generation;
    this.fetch().then(
      (items) => this.settle(generation, { items, error: null }),
      (error: unknown) => this.settle(generation, { items: this.snapshot.items, error }),
    );
  }

  private settle(generation: number, answer: { items: T[] | null; error: unknown }): void {
    if (generation !== this.generation) return;
    this.loading = false;
    // A record added or deleted where no event reaches (another tab) counts as a change: what is
    // derived from the records (the selected run's detail) is read again, and a deleted run goes.
    const moved = this.snapshot.items !== null && answer.items !== null && idsOf(this.snapshot.items) !== idsOf(answer.items);
    this.set({ ...answer, fresh: !this.stale, version: this.snapshot.version + (moved ? 1 : 0) });
    // Changed while this fetch ran, with nobody showing it then: someone does now.
    if (this.stale && this.listeners.size > 0) this.load();
  }

  private set(next: ListSnapshot<T>): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}

function idsOf(items: readonly unknown[]): string {
  return items.map((i) => (typeof i === 'object' && i !== null && 'id' in i ? String(i.id) : String(i))).join('\n');
}

export interface Stores {
  runs: ListStore<RunSummary>;
  datasets: ListStore<DatasetMeta>;
}

const byClient = new WeakMap<EngineClient, Stores>();

/** The client's lists, created on first use and kept up to date by its 'changed' events. */
export function storesOf(client: EngineClient): Stores {
  let stores = byClient.get(client);
  if (!stores) {
    const created: Stores = {
      runs: new ListStore(() => client.call('runs.list', null)),
      datasets: new ListStore(() => client.call('datasets.list', null)),
    };
    client.subscribe((e) => {
      if (e.type === 'changed') created[e.what satisfies StoredKind].invalidate();
    });
    byClient.set(client, (stores = created));
  }
  return stores;
}
