// What the engine is doing that a page reload would throw away. The app offers a new version
// ("Reload") only when this is empty, so an update never interrupts a training or fine-tuning
// run, a download or a save. It is read off the one client every feature already calls through,
// so no feature has to report its state and none can forget to.
import type { Args, Method, Result } from '../worker/protocol';
import type { EngineClient, EventListener, RequestListener } from '../worker/client';

/** Requests whose loss on reload costs work, and how the UI names them. Everything else is quick. */
const LONG_WORK: Partial<Record<Method, string>> = {
  'train.start': 'a training run',
  'finetune.start': 'a fine-tuning run',
  'finetune.resume': 'a fine-tuning run',
  'finetune.estimate': 'a fine-tuning time estimate',
  'encoder.load': 'an encoder download',
  'predict.batch': 'a batch prediction',
  'import.open': 'reading a dataset file',
  'import.save': 'saving a dataset',
  'import.bundle': 'importing a bundle',
  'import.hf': 'importing a model',
  export: 'an export',
  'export.hf': 'an export',
};

/** An opened CSV waits in the engine for Save or Cancel: a reload would drop the mapping. */
const OPEN_IMPORT = 'a dataset import waiting for Save or Cancel';

/** Requests that store user data: the moment to ask the browser for persistent storage. */
export const SAVES_DATA: ReadonlySet<Method> = new Set<Method>(['import.save', 'import.bundle', 'import.hf', 'train.start', 'finetune.start']);

export type ResultListener = (method: Method, result: unknown) => void;

/** The app's engine client, plus what is running and a hook on results. */
export class ActivityClient implements EngineClient {
  private readonly running = new Map<number, string>();
  private readonly openImports = new Set<string>();
  private readonly changeListeners = new Set<() => void>();
  private readonly resultListeners = new Set<ResultListener>();
  private nextId = 1;
  private snapshot: readonly string[] = [];

  constructor(private readonly inner: EngineClient) {}

  call<M extends Method>(method: M, args: Args<M>, onEvent?: RequestListener): Promise<Result<M>> {
    const label = LONG_WORK[method];
    const id = this.nextId++;
    if (label) this.update(() => this.running.set(id, label));
    // Cancelling an import drops it whatever the engine answers (it may already be gone).
    if (method === 'import.discard') this.update(() => this.openImports.delete((args as Args<'import.discard'>).importId));
    const p = this.inner.call(method, args, onEvent);
    p.then(
      (result) => {
        this.update(() => {
          this.running.delete(id);
          this.trackImports(method, args, result);
        });
        for (const l of this.resultListeners) l(method, result);
      },
      () => this.update(() => this.running.delete(id)),
    );
    return p;
  }

  subscribe(listener: EventListener): () => void {
    return this.inner.subscribe(listener);
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** What a reload would interrupt, one entry per kind of work (empty: safe to reload). */
  busy(): readonly string[] {
    return this.snapshot;
  }

  /** Called whenever busy() changes (useSyncExternalStore-shaped). */
  onBusyChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called after every successful request. */
  onResult(listener: ResultListener): () => void {
    this.resultListeners.add(listener);
    return () => this.resultListeners.delete(listener);
  }

  private trackImports(method: Method, args: unknown, result: unknown): void {
    if (method === 'import.open') this.openImports.add((result as Result<'import.open'>).importId);
    if (method === 'import.save') this.openImports.delete((args as Args<'import.save'>).importId);
  }

  private update(change: () => void): void {
    change();
    const labels = [...new Set([...this.running.values(), ...(this.openImports.size > 0 ? [OPEN_IMPORT] : [])])];
    if (labels.length === this.snapshot.length && labels.every((l, i) => l === this.snapshot[i])) return;
    this.snapshot = labels;
    for (const l of this.changeListeners) l();
  }
}
