import { useEffect, useState } from 'react';
import { useEngine } from './engine-context';
import type { RunSummary } from '../worker/protocol';

/**
 * The stored runs, refetched whenever the tab becomes active or `version` changes. The third
 * value is true only while the tab is active and the list was fetched during this activation:
 * a run saved elsewhere (the training panel) is missing from an older list, so callers must not
 * treat its absence as "deleted" unless the list is fresh.
 */
export function useRuns(active: boolean, version = 0): [RunSummary[] | null, unknown, boolean] {
  const engine = useEngine();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [freshFor, setFreshFor] = useState<number | null>(null);
  useEffect(() => {
    if (!active) return;
    let current = true;
    engine.call('runs.list', null).then(
      (r) => {
        if (!current) return;
        setRuns(r);
        setFreshFor(version);
      },
      (e) => {
        if (current) setError(e);
      },
    );
    return () => {
      current = false;
      // Leaving the tab (or a new version) ends this activation: its list is no longer fresh.
      setFreshFor(null);
    };
  }, [active, engine, version]);
  return [runs, error, active && freshFor === version];
}
