// The auto backend: on the first use of an encoder on this device, time the same short embed on
// each backend that runs here (WebGPU, WASM), keep the faster, remember it in IndexedDB.
//
// Why measure: WebGPU is not always faster. For a small encoder and short texts, per-dispatch
// overhead dominates and WASM (with threads) often wins even against a real GPU; a software
// adapter (SwiftShader, in headless Chromium without a GPU) is ~50× slower than WASM.
import type { TextEncoder } from '../core/encoders/types';
import type { AutoBackendResult, BackendChoice, BackendInfo, BackendMeasurement, BackendName, BackendRequest, EncoderId, PerfTask } from './protocol';
import type { EncoderStore } from './encoders';
import type { Predictor } from './predictor';
import { adapterLabel, switchBackend } from './backend';
import { backendChoiceKey, getBackendChoice, putBackendChoice } from '../storage/backend-choices';
import { sampleTexts } from './perf-sample';

/** The backends auto chooses between, in the order they are measured. */
export const AUTO_CANDIDATES: BackendName[] = ['wasm', 'webgpu'];
/** Timed embedding stops after this long (at least one batch after the warm-up). */
const BUDGET_MS = 1500;
// Small: a software WebGPU adapter embeds well under one text per second here.
const BATCH = 4;

/** Texts per second of `encoder` on the running backend: one warm-up batch, then batches until the budget. */
export async function timeEmbed(encoder: TextEncoder, texts: string[], budgetMs = BUDGET_MS, batch = BATCH): Promise<number> {
  await encoder.embedTexts(texts.slice(0, batch), { batchSize: batch });
  let done = 0;
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += batch) {
    const chunk = texts.slice(i, i + batch);
    await encoder.embedTexts(chunk, { batchSize: batch });
    done += chunk.length;
    if (performance.now() - t0 >= budgetMs) break;
  }
  return done / ((performance.now() - t0) / 1000);
}

/**
 * A backend this much slower than the fastest at embedding is not timed on fine-tuning steps:
 * a software adapter would take minutes per step, and a 10× gap does not close.
 */
export const FINETUNE_SKIP_FACTOR = 10;

/** The backends not worth timing on fine-tuning, with why, given the embed measurements. */
export function skippedForFinetune(embed: BackendChoice | null): Map<BackendName, string> {
  const out = new Map<BackendName, string>();
  const best = Math.max(0, ...(embed?.measurements.map((m) => m.textsPerSecond ?? 0) ?? []));
  for (const m of embed?.measurements ?? []) {
    if (m.textsPerSecond != null && best > 0 && m.textsPerSecond * FINETUNE_SKIP_FACTOR < best) {
      out.set(m.backend, `not timed: ${Math.round(best / m.textsPerSecond)}× slower than the fastest backend at embedding`);
    }
  }
  return out;
}

/** The fastest measured backend; ties and failures never win over a measured one. */
export function fastest(measurements: BackendMeasurement[]): BackendName | null {
  let best: BackendMeasurement | null = null;
  for (const m of measurements) {
    if (m.textsPerSecond == null) continue;
    if (!best || m.textsPerSecond > best.textsPerSecond!) best = m;
  }
  return best?.backend ?? null;
}

export class AutoBackend {
  constructor(
    private readonly encoders: EncoderStore,
    private readonly predictor: Predictor,
    private readonly requested: BackendRequest,
    private info: BackendInfo,
    private readonly onSwitch: (info: BackendInfo) => void,
    /** Measuring started (choice null), finished (the choice), or failed (choice null, failed true). */
    private readonly onMeasure: (encoderId: EncoderId, choice: BackendChoice | null, failed?: boolean) => void = () => undefined,
  ) {}

  get current(): BackendInfo {
    return this.info;
  }

  /**
   * The remembered choice for (encoder, task) (switching to it), or a fresh measurement; nothing
   * when forced. `timeFinetune` times fine-tuning steps on the running backend (texts/s).
   */
  async prepare(encoderId: EncoderId, remeasure = false, task: PerfTask = 'embed', timeFinetune?: () => Promise<number>): Promise<AutoBackendResult> {
    if (this.requested !== 'auto') return { choice: null, measured: false, info: this.info };
    const known = remeasure ? null : await getBackendChoice(encoderId, task);
    if (known) {
      await this.use(known.chosen);
      return { choice: known, measured: false, info: this.info };
    }
    let time: () => Promise<number>;
    let skip = new Map<BackendName, string>();
    if (task === 'finetune') {
      if (!timeFinetune) throw new Error('a fine-tuning measurement needs a step timer');
      time = timeFinetune;
      skip = skippedForFinetune(await getBackendChoice(encoderId, 'embed'));
    } else {
      time = () => this.encoders.use(encoderId, null, ({ encoder }) => timeEmbed(encoder, sampleTexts()));
    }
    this.onMeasure(encoderId, null);
    const measurements: BackendMeasurement[] = [];
    let lastError: unknown = null;
    for (const backend of AUTO_CANDIDATES) {
      const why = skip.get(backend);
      if (why) {
        measurements.push({ backend, threads: null, adapter: null, textsPerSecond: null, error: why });
        continue;
      }
      const { measurement, error } = await this.measure(backend, time);
      measurements.push(measurement);
      lastError = error ?? lastError;
    }
    const chosen = fastest(measurements);
    if (!chosen) {
      // Nothing ran (the encoder could not load: offline, a bad download): that is the caller's
      // error, not a fact about this device, so nothing is remembered.
      this.onMeasure(encoderId, null, true);
      throw lastError ?? new Error('no backend could run');
    }
    await this.use(chosen);
    const choice: BackendChoice = { key: backendChoiceKey(encoderId, task), encoderId, task, measurements, chosen, measuredAt: Date.now() };
    await putBackendChoice(choice);
    this.onMeasure(encoderId, choice);
    return { choice, measured: true, info: this.info };
  }

  private async measure(backend: BackendName, time: () => Promise<number>): Promise<{ measurement: BackendMeasurement; error: unknown }> {
    const failed = (error: unknown): BackendMeasurement => ({ backend, threads: null, adapter: null, textsPerSecond: null, error: error instanceof Error ? error.message : String(error) });
    const switched = await this.use(backend);
    if (switched) return { measurement: failed(switched), error: null };
    try {
      const textsPerSecond = await time();
      return { measurement: { backend, threads: this.info.threads, adapter: adapterLabel(this.info.adapter), textsPerSecond, error: null }, error: null };
    } catch (err) {
      return { measurement: failed(err), error: err };
    }
  }

  /** Switches backends, releasing every tensor of the old one first; a string says why not. */
  private async use(backend: BackendName): Promise<string | null> {
    if (backend === this.info.backend) return null;
    await this.encoders.unloadAll();
    this.predictor.forgetAll();
    const next = await switchBackend(backend, this.requested);
    if (typeof next === 'string') {
      // The old backend is still registered: go back to it so the engine keeps working.
      const back = await switchBackend(this.info.backend, this.requested);
      if (typeof back !== 'string') this.info = back;
      return next;
    }
    this.info = next;
    this.onSwitch(next);
    return null;
  }
}
