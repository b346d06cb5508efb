import { useEffect, useState } from 'react';
import type { EngineClient } from '../worker/client';
import type { DatasetMeta, RunDetail } from '../worker/protocol';
import { useDatasets, useRunsVersion } from './use-runs';

/** The selected run's full record (null while loading, when none is selected or it is gone); read again when the runs change. */
export function useRunDetail(client: EngineClient, runId: string | null): RunDetail | null {
  const version = useRunsVersion();
  const [run, setRun] = useState<RunDetail | null>(null);
  useEffect(() => {
    if (!runId) return;
    let current = true;
    client.call('runs.get', { id: runId }).then(
      (r) => {
        if (current) setRun(r);
      },
      () => {
        // A deleted run (or one from another profile's storage): nothing to show.
        if (current) setRun(null);
      },
    );
    return () => {
      current = false;
    };
  }, [client, runId, version]);
  // A record of another run (the previous selection, still loading the new one) is not shown.
  return run && run.id === runId ? run : null;
}

/** A stored dataset's record (null while loading, when none is given or it was deleted). */
export function useDataset(datasetId: string | null): DatasetMeta | null {
  const { items } = useDatasets(false);
  return items?.find((d) => d.id === datasetId) ?? null;
}
