// One engine task as a page sees it: whether it runs, its progress, Stop, and the error it ended
// with. `run` starts it and hands the request a listener: the engine tags every event of that
// request with its id (worker/client.ts), so a page sees its own request's progress and nobody
// else's, with no flags to filter a global stream. A failure lands in `error`, never in an
// unhandled rejection. Pages use one per independent task instead of repeating
// busy/progress/error/try/finally by hand; the states are taskReducer's (task-state.ts).
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { RequestListener } from '../worker/client';
import type { EngineEvent, ProgressTask } from '../worker/protocol';
import { IDLE_TASK, taskReducer, type TaskProgress, type TaskStatus } from './task-state';

export type { TaskProgress, TaskStatus } from './task-state';

export interface EngineTaskOptions {
  /** The progress tasks the page shows (default: every one). */
  tasks?: readonly ProgressTask[];
  /** Every event of the running request (epochs, checkpoints, warnings, progress). */
  onEvent?(event: EngineEvent): void;
  /** What Stop asks the engine (e.g. train.stop). */
  stop?(): Promise<unknown>;
}

export interface EngineTask {
  status: TaskStatus;
  running: boolean;
  stopping: boolean;
  progress: TaskProgress | null;
  error: unknown;
  /**
   * Runs `task`, giving it this task's listener for its request (pass it as the call's onEvent);
   * resolves to its result, or undefined when it failed (the error is in `error`). `progress`:
   * what to show until the engine's first event.
   */
  run<T>(task: (onEvent: RequestListener) => Promise<T>, progress?: TaskProgress): Promise<T | undefined>;
  /** Asks the engine to stop (options.stop); `stopping` until the run ends. */
  stop(): void;
  /** Hides the last error (another task of the page started). */
  clearError(): void;
}

export function useEngineTask(options: EngineTaskOptions = {}): EngineTask {
  const [state, dispatch] = useReducer(taskReducer, IDLE_TASK);
  const tickets = useRef(0);
  // The latest options, for events and Stop of a run started with older ones.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const run = useCallback(async <T,>(task: (onEvent: RequestListener) => Promise<T>, progress?: TaskProgress): Promise<T | undefined> => {
    const ticket = ++tickets.current;
    dispatch({ type: 'start', ticket, progress: progress ?? null });
    const onEvent = (event: EngineEvent) => {
      dispatch({ type: 'event', ticket, event, tasks: latest.current.tasks });
      latest.current.onEvent?.(event);
    };
    try {
      const result = await task(onEvent);
      dispatch({ type: 'settle', ticket, ok: true });
      return result;
    } catch (error) {
      dispatch({ type: 'settle', ticket, ok: false, error });
      return undefined;
    }
  }, []);

  const stop = useCallback(() => {
    dispatch({ type: 'stop', ticket: tickets.current });
    // A refused stop changes nothing: the run goes on and ends as it would have.
    void latest.current.stop?.().catch(() => undefined);
  }, []);

  const clearError = useCallback(() => dispatch({ type: 'clearError' }), []);

  return {
    status: state.status,
    running: state.status === 'running',
    stopping: state.stopping,
    progress: state.progress,
    error: state.error,
    run,
    stop,
    clearError,
  };
}
