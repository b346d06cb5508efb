import { useEffect, useState } from 'react';
import { useEngine } from './engine-context';
import type { RunSummary } from '../worker/protocol';

/** The stored runs, refetched whenever the tab becomes active or `version` changes. */
export function useRuns(active: boolean, version = 0): [RunSummary[] | null, unknown] {
  const engine = useEngine();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (active) engine.call('runs.list', null).then(setRuns, setError);
  }, [active, engine, version]);
  return [runs, error];
}
