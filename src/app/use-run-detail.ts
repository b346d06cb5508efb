import { useEffect, useState } from 'react';
import type { EngineClient } from '../worker/client';
import type { RunDetail } from '../worker/protocol';

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
