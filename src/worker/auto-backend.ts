// The auto backend: on the first use of an encoder on this device, time the same short embed on
// each backend that runs here (WebGPU, WASM), keep the faster, remember it in IndexedDB.
//
// Why measure: WebGPU is not always faster. For a small encoder and short texts, per-dispatch
// overhead dominates and WASM (with threads) often wins even against a real GPU; a software
// adapter (SwiftShader, in headless Chromium without a GPU) is ~50× slower than WASM.
import type { TextEncoder } from '../core/encoders/types';
import type { AutoBackendResult, BackendChoice, BackendInfo, BackendMeasurement, BackendName, BackendRequest, EncoderId } from './protocol';
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

  /** The remembered choice (switching to it), or a fresh measurement; nothing when forced. */
  async prepare(encoderId: EncoderId, remeasure = false): Promise<AutoBackendResult> {
    if (this.requested !== 'auto') return { choice: null, measured: false, info: this.info };
    const known = remeasure ? null : await getBackendChoice(encoderId, 'embed');
    if (known) {
      await this.use(known.chosen);
      return { choice: known, measured: false, info: this.info };
    }
    this.onMeasure(encoderId, null);
    const measurements: BackendMeasurement[] = [];
    let lastError: unknown = null;
    for (const backend of AUTO_CANDIDATES) {
      const { measurement, error } = await this.measure(encoderId, backend);
      measurements.push(measurement);
      lastError = error ?? lastError;
    }
    const chosen = fastest(measurements);
    if (!chosen) {
      // Nothing ran (the encoder could not load: offline, a bad download): that is the caller's
      // error, not a fact about this device, so nothing is remembered.
      this.onMeasure(encoderId, null, true);
      throw lastError ?? new Error('no backend could embed');
    }
    await this.use(chosen);
    const choice: BackendChoice = { key: backendChoiceKey(encoderId, 'embed'), encoderId, task: 'embed', measurements, chosen, measuredAt: Date.now() };
    await putBackendChoice(choice);
    this.onMeasure(encoderId, choice);
    return { choice, measured: true, info: this.info };
  }

  private async measure(encoderId: EncoderId, backend: BackendName): Promise<{ measurement: BackendMeasurement; error: unknown }> {
    const failed = (error: unknown) => ({
      measurement: { backend, threads: null, adapter: null, textsPerSecond: null, error: error instanceof Error ? error.message : String(error) },
      error,
    });
    const switched = await this.use(backend);
    if (switched) return { measurement: failed(switched).measurement, error: null };
    try {
      const textsPerSecond = await this.encoders.use(encoderId, null, ({ encoder }) => timeEmbed(encoder, sampleTexts()));
      return { measurement: { backend, threads: this.info.threads, adapter: adapterLabel(this.info.adapter), textsPerSecond, error: null }, error: null };
    } catch (err) {
      return failed(err);
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
