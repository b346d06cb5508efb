import { useEffect, useState } from 'react';
import type { EngineClient } from '../worker/client';
import type { DatasetMeta, RunDetail } from '../worker/protocol';

/** The selected run's full record (null while loading, when none is selected or it is gone). */
export function useRunDetail(client: EngineClient, runId: string | null, version: number): RunDetail | null {
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
export function useDataset(client: EngineClient, datasetId: string | null, version: number): DatasetMeta | null {
  const [dataset, setDataset] = useState<DatasetMeta | null>(null);
  useEffect(() => {
    if (!datasetId) return;
    let current = true;
    client.call('datasets.list', null).then(
      (ds) => {
        if (current) setDataset(ds.find((d) => d.id === datasetId) ?? null);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [client, datasetId, version]);
  return dataset && dataset.id === datasetId ? dataset : null;
}
