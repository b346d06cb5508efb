// The typed promise API over the engine worker: the only way the UI reaches tfjs, the
// CSV parser or IndexedDB. The UI never sees postMessage.
import type { Args, EngineEvent, FromWorker, Method, Result, ToWorker } from './protocol';
import { fromErrorData } from './errors';

/** requestId: the request whose work the event reports (null: the engine's own news). */
export type EventListener = (event: EngineEvent, requestId: number | null) => void;
/** The events of one request, in order, all before its promise settles. */
export type RequestListener = (event: EngineEvent) => void;

/** What the UI needs from an engine; the worker proxy below is the app's implementation. */
export interface EngineClient {
  /** onEvent: this request's events (progress, epochs, checkpoints, warnings), and no other request's. */
  call<M extends Method>(method: M, args: Args<M>, onEvent?: RequestListener): Promise<Result<M>>;
  /** Every event: the engine's own news and every request's (e.g. a download, whoever waits for it). */
  subscribe(listener: EventListener): () => void;
  dispose(): void;
}

/** Large buffers travel as transferables (zero-copy) instead of being cloned. */
function transferablesOf(value: unknown): Transferable[] {
  if (value instanceof ArrayBuffer) return [value];
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) return [value.buffer];
  return [];
}

export class WorkerEngineClient implements EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void; onEvent: RequestListener | undefined }>();
  private readonly listeners = new Set<EventListener>();

  constructor(worker: Worker) {
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    worker.onerror = (e) => {
      const err = new Error(`the engine worker crashed: ${e.message}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  call<M extends Method>(method: M, args: Args<M>, onEvent?: RequestListener): Promise<Result<M>> {
    const id = this.nextId++;
    const msg: ToWorker = { kind: 'request', id, method, args };
    const transfer = args && typeof args === 'object' ? Object.values(args).flatMap(transferablesOf) : [];
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent });
      this.worker.postMessage(msg, transfer);
    });
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.worker.terminate();
    this.listeners.clear();
  }

  private receive(msg: FromWorker): void {
    switch (msg.kind) {
      case 'event': {
        // The worker posts a request's events before its answer: its listener is still here.
        const requestId = msg.requestId ?? null;
        if (requestId !== null) this.pending.get(requestId)?.onEvent?.(msg.event);
        for (const l of this.listeners) l(msg.event, requestId);
        return;
      }
      case 'result': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.reject(fromErrorData(msg.error));
        return;
      }
      default: {
        const never: never = msg;
        throw new Error(`unexpected worker message ${JSON.stringify(never)}`);
      }
    }
  }
}

export function createWorkerClient(): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'texttune-engine' });
  return new WorkerEngineClient(worker);
}
