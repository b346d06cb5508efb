// One engine task as a page sees it: whether it runs, the error it ended with, and `run` to start
// it (clears the last error; a failure lands in `error`, never in an unhandled rejection). Pages
// use one per independent task instead of repeating busy/error/try/finally by hand.
import { useCallback, useState } from 'react';

export interface EngineTask {
  running: boolean;
  error: unknown;
  /** Runs `task`; resolves to its result, or undefined when it failed (the error is in `error`). */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
}

export function useEngineTask(): EngineTask {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(task: () => Promise<T>): Promise<T | undefined> => {
    setRunning(true);
    setError(null);
    try {
      return await task();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setRunning(false);
    }
  }, []);
  return { running, error, run };
}
