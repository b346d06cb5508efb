// The state of one engine task as a page shows it, as a pure reducer (useEngineTask holds it; the
// unit tests drive it without a DOM). Each run has a ticket: a late event or answer of an earlier
// run never touches the current one.
import type { EngineEvent, ProgressTask } from '../worker/protocol';

export interface TaskProgress {
  task: ProgressTask;
  done: number;
  total: number;
  etaSeconds: number | null;
  detail: string | null;
}

/** idle: never ran; done / stopped (ended after Stop, with its result) / failed: how the last run ended. */
export type TaskStatus = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

export interface TaskState {
  status: TaskStatus;
  /** Stop was asked and the run has not ended yet. */
  stopping: boolean;
  /** The run's latest progress (of the tasks the page shows); null before the first and after the end. */
  progress: TaskProgress | null;
  /** What the last run failed with (null unless status is failed). */
  error: unknown;
  ticket: number;
}

export const IDLE_TASK: TaskState = { status: 'idle', stopping: false, progress: null, error: null, ticket: 0 };

export type TaskAction =
  | { type: 'start'; ticket: number; progress: TaskProgress | null }
  /** tasks: the progress tasks the page shows (undefined: all). */
  | { type: 'event'; ticket: number; event: EngineEvent; tasks: readonly ProgressTask[] | undefined }
  | { type: 'stop'; ticket: number }
  | { type: 'settle'; ticket: number; ok: true }
  | { type: 'settle'; ticket: number; ok: false; error: unknown }
  | { type: 'clearError' };

export function taskReducer(state: TaskState, action: TaskAction): TaskState {
  if (action.type === 'clearError') return state.status === 'failed' ? { ...state, status: 'idle', error: null } : state;
  if (action.type === 'start') return { status: 'running', stopping: false, progress: action.progress, error: null, ticket: action.ticket };
  if (action.ticket !== state.ticket || state.status !== 'running') return state;
  switch (action.type) {
    case 'event': {
      const e = action.event;
      if (e.type !== 'progress' || (action.tasks && !action.tasks.includes(e.task))) return state;
      return { ...state, progress: { task: e.task, done: e.done, total: e.total, etaSeconds: e.etaSeconds, detail: e.detail } };
    }
    case 'stop':
      return { ...state, stopping: true };
    case 'settle':
      return action.ok
        ? { ...state, status: state.stopping ? 'stopped' : 'done', stopping: false, progress: null }
        : { ...state, status: 'failed', stopping: false, progress: null, error: action.error };
    default: {
      const never: never = action;
      return never;
    }
  }
}
