// One encoder instance is shared by training, fine-tuning and prediction. This keeps its weights
// honest: every use names the weights it needs (pristine, or a fine-tuned run's overlay), uses
// are serialised (an await inside one must not see another's weights), and a fine-tuning
// session holds the encoder alone. Pristine values are copied to the CPU lazily, only for the
// weights that get overwritten, so switching runs restores them exactly.
import type * as tf from '@tensorflow/tfjs-core';
import type { TextEncoder } from '../core/encoders/types';
import { tunedWeightsHash } from '../core/encoders/params';
import type { NamedWeight } from '../core/formats/encoder-weights';
import { EngineError } from './errors';

/** A fine-tuned run's encoder weights; `hash` is the whole encoder's weightsHash with them applied. */
export interface EncoderOverlay {
  key: string;
  hash: string;
  weights: NamedWeight[];
}

/** File names of the weights trainableVariables(k) returns. */
export function unfrozenWeightNames(encoder: TextEncoder, k: number): string[] {
  const vars = new Set(encoder.trainableVariables(k));
  return encoder.namedWeights().filter((w) => vars.has(w.tensor as tf.Variable)).map((w) => w.name);
}

const TUNED = '(being tuned)';

export class EncoderWeightState {
  private readonly pristine = new Map<string, NamedWeight>();
  /** Names whose values currently differ (or may differ) from pristine. */
  private readonly dirty = new Set<string>();
  private applied: string | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private tuning: string | null = null;

  constructor(
    private readonly encoder: TextEncoder,
    readonly pristineHash: string,
  ) {}

  /**
   * Runs fn with the encoder holding pristine weights plus `overlay`. With `tuning`, fn may
   * change the named weights (they are restored on the next use) and other uses are refused
   * with BUSY meanwhile instead of waiting minutes.
   */
  async use<T>(overlay: EncoderOverlay | null, fn: (encoder: TextEncoder) => Promise<T>, tuning?: { names: string[]; what: string }): Promise<T> {
    if (this.tuning) throw new EngineError('BUSY', `${this.tuning}; try again when it has finished (or press Stop)`);
    if (tuning) this.tuning = tuning.what;
    const task = async (): Promise<T> => {
      try {
        await this.prepare(overlay);
        if (tuning) {
          await this.capture(tuning.names);
          for (const n of tuning.names) this.dirty.add(n);
          // The tuning fn changes them; nothing else runs meanwhile (BUSY), and the next use restores
          // them before it starts, so their hash is not touched here (the run checks it's pristine).
          this.applied = TUNED;
        }
        return await fn(this.encoder);
      } finally {
        if (tuning) this.tuning = null;
      }
    };
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async prepare(overlay: EncoderOverlay | null): Promise<void> {
    const key = overlay?.key ?? null;
    if (key === this.applied) return;
    await this.restore();
    if (!overlay) return;
    const encoder = this.encoder;
    try {
      const known = new Set(encoder.namedWeights().map((w) => w.name));
      const names = overlay.weights.map((w) => w.name).filter((n) => known.has(n));
      await this.capture(names);
      for (const n of names) this.dirty.add(n);
      encoder.assignWeights(overlay.weights);
      // Runs record H(base ‖ tuned weights) (tunedWeightsHash): cheap, from the CPU copies. Runs
      // and bundles made before that record the whole encoder's hash: checked the old way.
      let hash = await tunedWeightsHash(this.pristineHash, overlay.weights);
      if (hash !== overlay.hash) hash = await encoder.rehash();
      encoder.weightsHash = hash;
      if (hash !== overlay.hash) {
        throw new EngineError(
          'BUNDLE_MISMATCH',
          `the fine-tuned encoder weights do not reproduce the recorded encoder (hash ${hash.slice(0, 12)}… instead of ${overlay.hash.slice(0, 12)}…); they were made from other base weights or are damaged`,
        );
      }
      this.applied = key;
    } catch (err) {
      await this.restore();
      throw err;
    }
  }

  private async restore(): Promise<void> {
    this.applied = null;
    if (this.dirty.size === 0) return;
    const encoder = this.encoder;
    encoder.assignWeights([...this.dirty].map((n) => this.pristine.get(n)!));
    this.dirty.clear();
    // The exact pristine values are back (copied before they were first overwritten): so is their hash.
    encoder.weightsHash = this.pristineHash;
  }

  /** Copies pristine values of names not yet copied (called only while they are pristine). */
  private async capture(names: string[]): Promise<void> {
    const missing = new Set(names.filter((n) => !this.pristine.has(n)));
    if (missing.size === 0) return;
    for (const w of this.encoder.namedWeights()) {
      if (!missing.has(w.name)) continue;
      this.pristine.set(w.name, { name: w.name, shape: w.tensor.shape.slice(), data: ((await w.tensor.data()) as Float32Array).slice() });
    }
  }
}
