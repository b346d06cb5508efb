// The stored runs and datasets for components: the client's one list of each (stores.ts), kept
// up to date by the engine's change events, and fetched again when a step becomes active or the
// tab comes back to the front (a run saved in another tab sends no event here).
import { useEffect, useSyncExternalStore } from 'react';
import { useEngine } from './engine-context';
import { storesOf, type ListSnapshot, type ListStore, type Stores } from './stores';
import type { DatasetMeta, RunSummary } from '../worker/protocol';

function useList<T>(pick: (stores: Stores) => ListStore<T>, active: boolean): ListSnapshot<T> {
  const store = pick(storesOf(useEngine()));
  const snapshot = useSyncExternalStore(store.subscribe, store.get);
  useEffect(() => {
    if (!active) return;
    store.refresh();
    // Back to this tab: another tab may have saved or deleted records meanwhile (no event reaches
    // here), and a run deleted there was still offered, and predicted with, here.
    const back = () => {
      if (document.visibilityState === 'visible') store.refresh();
    };
    document.addEventListener('visibilitychange', back);
    window.addEventListener('focus', back);
    return () => {
      document.removeEventListener('visibilitychange', back);
      window.removeEventListener('focus', back);
    };
  }, [active, store]);
  return snapshot;
}

/**
 * The stored runs (null until fetched), the last fetch's error, and whether the list is fresh:
 * a run saved a moment ago may be missing from a list that is not, so callers must not treat its
 * absence as "deleted" unless it is.
 */
export function useRuns(active: boolean): [RunSummary[] | null, unknown, boolean] {
  const { items, error, fresh } = useList((s) => s.runs, active);
  return [items, error, fresh];
}

/** The stored datasets, as useRuns. */
export function useDatasets(active: boolean): ListSnapshot<DatasetMeta> {
  return useList((s) => s.datasets, active);
}

/** The runs' change count: what is read from a run (its detail) is read again when it moves. */
export function useRunsVersion(): number {
  return useList((s) => s.runs, false).version;
}
