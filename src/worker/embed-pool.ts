// Data-parallel embedding on WASM: N workers, each with its own single-threaded WASM tfjs and its
// own copy of the pristine encoder (built from the files in IndexedDB), embed slices of a bulk
// request (a dataset to train on, a batch file) while the engine waits.
//
// Why not only XNNPACK's threads: tfjs-backend-wasm runs its matmuls (fully connected) on the
// thread pool, but BatchMatMul with a batch > 1 — attention's two products — takes a plain
// single-threaded loop, and so do the element-wise kernels. On a 32 × 128-token USE-lite batch
// attention alone was 26–37% of the time (Node, tfjs-wasm 4.22), so 2 threads gave 1.37–1.54× on a
// 2-core machine whatever else was tuned. Whole slices on separate workers run every op in parallel.
// Cost: one more copy of the encoder per worker (USE-lite: ~30 MB), and a start-up of a second or
// so (tfjs + files from IndexedDB + weights hash), paid once per idle period.
import type { EncodeOptions, LongTextOptions } from '../core/encoders/types';

export interface PoolTarget {
  encoderId: string;
  revision: string;
  /** The pristine weights' hash: a worker whose files build other weights refuses the job. */
  weightsHash: string;
  dim: number;
}

export interface PoolJob extends Omit<PoolTarget, 'dim'> {
  id: number;
  texts: string[];
  batchSize: number;
  longText?: LongTextOptions;
  /** Through forward() (EncodeOptions.reference). */
  reference?: boolean;
}

export type PoolReply = { id: number; ok: true; vectors: Float32Array } | { id: number; ok: false; message: string };

/** What the pool needs of a Worker (a fake in unit tests). */
export interface PoolPort {
  postMessage(job: PoolJob): void;
  onmessage: ((e: { data: PoolReply }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  terminate(): void;
}

/** Below this many texts a request stays on the engine (the pool's start-up would cost more). */
export const POOL_MIN_TEXTS = 64;
/** More workers than this multiply memory (an encoder copy each) for little gain at our sizes. */
export const MAX_POOL_WORKERS = 4;

class PoolWorkerError extends Error {}

/** About how many characters fill one full window of tokens (English: ~4.5 per token × 128). */
export const CHARS_PER_WINDOW = 600;

/**
 * `order` cut into slices of at most `maxTexts` texts and about one batch of full windows of work:
 * a text read whole (chunk policy) counts its characters up to maxWindows windows, a truncated one
 * at most one window. Why: a worker answers (and Stop is seen) once per slice; 128 long reviews read
 * in 16 windows each were one slice of ~2,000 windows, and Stop waited 24 s for it.
 */
export function sliceByWork(order: number[], texts: string[], maxTexts: number, batchSize: number, longText?: LongTextOptions): number[][] {
  const windows = longText?.policy === 'chunk' ? Math.max(1, longText.maxWindows) : 1;
  const budget = batchSize * CHARS_PER_WINDOW;
  const slices: number[][] = [];
  let current: number[] = [];
  let chars = 0;
  for (const row of order) {
    const work = Math.min(texts[row]!.length, windows * CHARS_PER_WINDOW);
    if (current.length > 0 && (current.length >= maxTexts || chars + work > budget)) {
      slices.push(current);
      current = [];
      chars = 0;
    }
    current.push(row);
    chars += work;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

export class EmbedPool {
  private readonly ports: PoolPort[] = [];
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private busy = 0;
  private readonly pending = new Map<PoolPort, (err: Error) => void>();
  /** Set after a worker failed: every later request runs on the engine, and says so once. */
  broken: string | null = null;

  constructor(
    readonly size: number,
    private readonly spawn: () => PoolPort,
    private readonly onBroken: (why: string) => void = () => undefined,
    private readonly idleMs = 30_000,
  ) {}

  worthIt(texts: number): boolean {
    return this.size > 1 && this.broken === null && texts >= POOL_MIN_TEXTS;
  }

  /**
   * Embeds `texts` ([n, dim] row-major) on the workers; `local` (the engine's own encoder) takes
   * over whatever is left if a worker fails. onProgress may throw to stop (nothing more is sent).
   */
  async embed(target: PoolTarget, texts: string[], options: EncodeOptions, local: (texts: string[], options: EncodeOptions) => Promise<Float32Array>): Promise<Float32Array> {
    const batchSize = options.batchSize ?? 32;
    const n = texts.length;
    // Longest first, in slices of up to two batches, at least two slices per worker: similar
    // lengths per batch (less padding) and workers that finish close together.
    const order = Array.from(texts.keys()).sort((a, b) => texts[b]!.length - texts[a]!.length);
    const sliceSize = Math.max(1, Math.min(2 * batchSize, Math.ceil(n / (2 * this.size))));
    const slices = sliceByWork(order, texts, sliceSize, batchSize, options.longText);
    const out = new Float32Array(n * target.dim);
    let done = 0;
    let next = 0;
    let stop: unknown = null;
    const place = (slice: number[], vectors: Float32Array) => {
      slice.forEach((row, j) => out.set(vectors.subarray(j * target.dim, (j + 1) * target.dim), row * target.dim));
      done += slice.length;
      try {
        options.onProgress?.(done, n);
      } catch (err) {
        stop ??= err;
      }
    };
    const sub = (slice: number[]) => slice.map((r) => texts[r]!);
    this.busy++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      const workers = this.startWorkers(Math.min(this.size, slices.length));
      // Slices a failed (or terminated) worker held go back to the engine with the ones never sent.
      const leftover: number[][] = [];
      const run = async (port: PoolPort) => {
        while (stop === null && this.broken === null && next < slices.length) {
          const slice = slices[next++]!;
          try {
            place(slice, await this.send(port, { id: this.nextId++, encoderId: target.encoderId, revision: target.revision, weightsHash: target.weightsHash, texts: sub(slice), batchSize, longText: options.longText, ...(options.reference ? { reference: true } : {}) }, target.dim * slice.length));
          } catch (err) {
            if (!(err instanceof PoolWorkerError)) throw err;
            leftover.push(slice);
            this.fail(err.message);
          }
        }
      };
      await Promise.all(this.ports.slice(0, workers).map(run));
      // A worker failed: the engine embeds what is left, one slice at a time (progress goes on).
      leftover.push(...slices.slice(next));
      for (const slice of leftover) {
        if (stop !== null) break;
        place(slice, await local(sub(slice), { batchSize, ...(options.longText ? { longText: options.longText } : {}), ...(options.reference ? { reference: true } : {}) }));
      }
      if (stop !== null) throw stop;
      return out;
    } finally {
      this.busy--;
      this.scheduleIdle();
    }
  }

  /**
   * Starts every worker and has it build the encoder and embed `sample` (as a measurement warms the
   * engine up with its first batch), so what follows times embedding, not start-up or first-use
   * allocations. Resolves false when the pool is (now) broken.
   */
  async warmUp(target: PoolTarget, sample: string[] = ['warm up']): Promise<boolean> {
    if (this.size < 2 || this.broken !== null) return false;
    this.busy++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      if (this.startWorkers(this.size) === 0) return false;
      await Promise.all(
        this.ports.map((port) =>
          this.send(port, { id: this.nextId++, encoderId: target.encoderId, revision: target.revision, weightsHash: target.weightsHash, texts: sample, batchSize: sample.length }, target.dim * sample.length).catch((err: unknown) => {
            if (!(err instanceof PoolWorkerError)) throw err;
            this.fail(err.message);
          }),
        ),
      );
      return this.broken === null;
    } finally {
      this.busy--;
      this.scheduleIdle();
    }
  }

  /** Ends the workers (they start again on the next request). */
  dispose(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const p of this.ports.splice(0)) {
      p.terminate();
      // A slice in flight on a terminated worker never answers: it goes back to the caller.
      this.pending.get(p)?.(new PoolWorkerError('the embedding workers were stopped'));
      this.pending.delete(p);
    }
  }

  private send(port: PoolPort, job: PoolJob, expected: number): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.pending.set(port, reject);
      const settle = (f: () => void) => {
        this.pending.delete(port);
        f();
      };
      port.onmessage = (e) => {
        const r = e.data;
        if (r.id !== job.id) return;
        if (!r.ok) settle(() => reject(new PoolWorkerError(r.message)));
        else if (r.vectors.length !== expected) settle(() => reject(new PoolWorkerError(`a worker returned ${r.vectors.length} values for ${expected}`)));
        else settle(() => resolve(r.vectors));
      };
      port.onerror = (e) => {
        const message = typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' && e.message ? e.message : 'an embedding worker crashed';
        settle(() => reject(new PoolWorkerError(message)));
      };
      port.postMessage(job);
    });
  }

  /** Up to `count` workers running; a browser that cannot start one (no nested workers) turns the pool off. */
  private startWorkers(count: number): number {
    try {
      while (this.ports.length < count) this.ports.push(this.spawn());
    } catch (err) {
      this.fail(`an embedding worker could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.broken === null ? count : 0;
  }

  private fail(why: string): void {
    if (this.broken !== null) return;
    this.broken = why;
    this.dispose();
    this.onBroken(why);
  }

  private scheduleIdle(): void {
    if (this.busy > 0 || this.ports.length === 0) return;
    this.idleTimer = setTimeout(() => this.dispose(), this.idleMs);
  }
}
