// The engine: every protocol request's implementation. Runs in the worker (engine.worker.ts);
// the handlers are plain async functions so they could equally run in-process.
import type { Args, BackendInfo, EncoderId, Method, PerfTask, Result, StoredKind } from './protocol';
import { progressReporter, type Emit } from './progress';
import { EngineError } from './errors';
import { parseBackendRequest, startBackend } from './backend';
import { EmbedPool, MAX_POOL_WORKERS, POOL_MIN_TEXTS, type PoolPort } from './embed-pool';
import { AutoBackend } from './auto-backend';
import { listBackendChoices } from '../storage/backend-choices';
import { Importer } from './importer';
import { EncoderStore } from './encoders';
import { checkConfig, Trainer } from './trainer';
import { checkSettings } from './finetune-setup';
import { asEncoderId, Predictor } from './predictor';
import { FineTuneJobs } from './finetune-jobs';
import { exportRun, importBundle } from './exporter';
import { dropUnusedImportedEncoder, exportHfRun, importHfModel } from './hf-classifier';
import { encoderSpec } from './hub-encoders';
import { deleteDataset, getDatasetRows, labelRow, listDatasets, renameDataset } from '../storage/datasets';
import { deleteRun, renameRun, getRun, listRuns } from '../storage/runs';
import { listCachedEncoders } from '../storage/encoder-files';
import { rejectedToCsv } from '../core/data/validate';
import { sameRowsWarning } from '../core/data/fingerprint';

/**
 * emit: the events of this request's work (progress, epochs, checkpoints, warnings), tagged with
 * its id so the page that asked gets them; `broadcast` (createEngine's) is for the engine's own news.
 */
export type Handlers = { [M in Method]: (args: Args<M>, emit: Emit) => Promise<Result<M>> };

/** The requests that change stored records when they succeed (runs keep their dataset's name: a dataset rename is not a run change). */
export const CHANGES: Partial<Record<Method, readonly StoredKind[]>> = {
  'train.start': ['runs'],
  'finetune.start': ['runs'],
  'finetune.resume': ['runs'],
  'runs.delete': ['runs'],
  'runs.rename': ['runs'],
  'import.bundle': ['runs'],
  'import.hf': ['runs'],
  'import.save': ['datasets'],
  'datasets.rename': ['datasets'],
  'datasets.delete': ['datasets'],
  'datasets.label': ['datasets'],
};

/**
 * Each request in CHANGES, once it succeeds, says what it changed ('changed') before its answer is
 * posted: the UI's lists (app/stores.ts) are stale before the page acts on the answer.
 */
export function announcingChanges(handlers: Handlers, broadcast: Emit): Handlers {
  const out = { ...handlers } as unknown as Record<string, (args: unknown, emit: Emit) => Promise<unknown>>;
  for (const [method, kinds] of Object.entries(CHANGES)) {
    const inner = out[method]!;
    out[method] = async (args, emit) => {
      const result = await inner(args, emit);
      for (const what of kinds) broadcast({ type: 'changed', what });
      return result;
    };
  }
  return out as unknown as Handlers;
}

export function createEngine(broadcast: Emit): Handlers {
  const importer = new Importer();
  const download = progressReporter(broadcast, 'download');
  const encoders = new EncoderStore(
    (p) => download(p.loaded, p.total, p.file.split('/').pop() ?? null),
    (info) => broadcast({ type: 'encoder', info }),
  );
  /** While `fn` runs, a download of the encoder reports to this request (else to everyone, as the encoder's own news). */
  const downloadsTo = async <T,>(encoderId: EncoderId, emit: Emit, fn: () => Promise<T>): Promise<T> => {
    const report = progressReporter(emit, 'download');
    const unwatch = encoders.watchDownload(encoderId, (p) => report(p.loaded, p.total, p.file.split('/').pop() ?? null));
    try {
      return await fn();
    } finally {
      unwatch();
    }
  };
  const predictor = new Predictor(encoders);
  const trainer = new Trainer(encoders, predictor);
  const finetunes = new FineTuneJobs(encoders, predictor);
  // One training job at a time: both hold the encoder and most of the memory.
  const notTraining = (what: string): void => {
    if (trainer.busy || finetunes.busy) throw new EngineError('BUSY', `a training run is already in progress; stop it before ${what}`);
  };
  // Bulk embedding on WASM with N threads runs on N parallel workers (embed-pool.ts): created once
  // WASM runs on more than one thread; encoders use it only while the backend is WASM.
  let pool: EmbedPool | null = null;
  const poolFor = (info: BackendInfo): void => {
    if (pool || info.backend !== 'wasm' || (info.threads ?? 1) < 2) return;
    pool = new EmbedPool(
      Math.min(info.threads!, MAX_POOL_WORKERS),
      () => new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module', name: 'texttune-embed' }) as unknown as PoolPort,
      (why) => broadcast({ type: 'log', level: 'warn', message: `Parallel embedding stopped (${why}); embedding goes on in the engine, on its own threads.` }),
    );
    encoders.setPool(pool);
  };
  let backendReady: Promise<BackendInfo> | null = null;
  let auto: AutoBackend | null = null;
  // While the auto backend measures (and switches backends), every tfjs request waits.
  let measuring: Promise<unknown> = Promise.resolve();
  // Every tfjs request waits for the backend chosen by init (the UI calls init first).
  const ready = async (): Promise<void> => {
    if (!backendReady) throw new EngineError('BACKEND_FAILED', 'the engine was not initialised (call init first)');
    await backendReady;
    await measuring.catch(() => undefined);
  };
  /** First use of an encoder (or of fine-tuning it) on this device, auto backend: measure, or switch to what was measured. One at a time. */
  const chooseBackendFor = (encoderId: EncoderId, remeasure = false, task: PerfTask = 'embed', timeFinetune?: () => Promise<number>) => {
    const run = measuring.catch(() => undefined).then(() => auto!.prepare(encoderId, remeasure, task, timeFinetune));
    measuring = run;
    return run;
  };

  return announcingChanges({
    async init({ backend, hubBaseUrl, threads }) {
      encoders.setHubBaseUrl(hubBaseUrl);
      // The backend is chosen once per worker; a second init (StrictMode, a remount) gets the same answer.
      backendReady ??= (async () => {
        const requested = parseBackendRequest(backend);
        const remembered = requested === 'auto' ? (await listBackendChoices().catch(() => [])).filter((c) => c.task === 'embed').sort((a, b) => b.measuredAt - a.measuredAt)[0] : undefined;
        const info = await startBackend(requested, threads ?? null, remembered?.chosen ?? null);
        poolFor(info);
        auto = new AutoBackend(
          encoders,
          predictor,
          requested,
          info,
          (next) => {
            poolFor(next);
            broadcast({ type: 'backend', info: next });
          },
          (encoderId, choice, failed) => broadcast({ type: 'perf', encoderId, choice, failed: failed ?? false }),
        );
        return info;
      })();
      const info = await backendReady;
      broadcast({ type: 'backend', info });
      return auto?.current ?? info;
    },
    async 'import.open'({ file, fileName }, emit) {
      const report = progressReporter(emit, 'parse');
      return importer.open(file, fileName, (f) => report(Math.round(f * 1000), 1000));
    },
    async 'import.map'({ importId, mapping }) {
      const report = importer.map(importId, mapping);
      // The same rows saved before (the same file uploaded twice): said, not refused (a copy may be meant).
      const twin = report.validCount + report.unlabelledCount > 0 ? sameRowsWarning(importer.fingerprint(importId), await listDatasets()) : null;
      if (twin) report.problems.push(twin);
      return report;
    },
    async 'import.rejectedCsv'({ importId }) {
      return { csv: importer.rejectedCsv(importId) };
    },
    async 'import.save'({ importId, name }) {
      return importer.save(importId, name);
    },
    async 'import.discard'({ importId }) {
      importer.discard(importId);
      return null;
    },
    async 'datasets.list'() {
      return listDatasets();
    },
    async 'datasets.rename'({ id, name }) {
      return renameDataset(id, name);
    },
    async 'datasets.delete'({ id }) {
      await deleteDataset(id);
      return null;
    },
    async 'datasets.rejectedCsv'({ id }) {
      return { csv: rejectedToCsv((await getDatasetRows(id)).rejected) };
    },
    async 'datasets.unlabelled'({ id }) {
      return (await getDatasetRows(id)).unlabelled ?? [];
    },
    async 'datasets.label'({ id, line, label }) {
      // A run in progress read its rows when it started; labelling now changes only the next run.
      return labelRow(id, line, label);
    },
    async 'encoder.load'({ id }, emit) {
      await ready();
      return downloadsTo(id, emit, async () => (await encoders.get(id)).info);
    },
    async 'encoder.cached'() {
      const [cached, runs] = await Promise.all([listCachedEncoders(), listRuns()]);
      const used = new Set(runs.map((r) => r.encoderId));
      return cached.map((c) => (c.id.startsWith('hf-import:') && !used.has(c.id) ? { ...c, unused: true } : c));
    },
    async 'encoder.prefetch'({ id }) {
      return encoders.prefetch(id);
    },
    async 'encoder.forget'({ id }) {
      // An imported model's encoder that no run uses any more (an import that failed half-way) can go.
      const orphan = encoderSpec(id).kind === 'import' && !(await listRuns()).some((r) => r.encoderId === id);
      await encoders.forget(id, orphan);
      return null;
    },
    async 'encoder.cancel'({ id }) {
      return encoders.cancel(id);
    },
    async 'export.hf'({ runId }) {
      await ready();
      return exportHfRun(runId, encoders);
    },
    async 'import.hf'({ name, files }) {
      await ready();
      return importHfModel(name, files, encoders);
    },
    async 'train.start'({ datasetId, encoderId, config }, emit) {
      // A request the form would refuse is refused before anything waits or loads.
      checkConfig(config);
      await ready();
      notTraining('starting another');
      return downloadsTo(encoderId, emit, async () => {
        await chooseBackendFor(encoderId);
        notTraining('starting another');
        return trainer.run(datasetId, encoderId, config, emit);
      });
    },
    async 'train.stop'() {
      trainer.stop();
      return null;
    },
    async 'finetune.estimate'({ datasetId, encoderId, settings }, emit) {
      checkSettings(settings, null);
      await ready();
      notTraining('estimating a fine-tuning run');
      return finetunes.estimate(datasetId, encoderId, settings, emit, true);
    },
    async 'finetune.start'({ datasetId, encoderId, settings, headRunId }, emit) {
      checkSettings(settings, null);
      await ready();
      notTraining('starting another');
      // Fine-tuning steps are timed as "Estimate time" times them, on each backend.
      await chooseBackendFor(encoderId, false, 'finetune', async () => {
        const est = await finetunes.estimate(datasetId, encoderId, settings, emit);
        return est.batchSize / est.stepSeconds;
      });
      notTraining('starting another');
      return finetunes.start(datasetId, encoderId, settings, headRunId, emit);
    },
    async 'finetune.resume'({ jobId }, emit) {
      await ready();
      notTraining('resuming one');
      return finetunes.resume(jobId, emit);
    },
    async 'finetune.stop'() {
      finetunes.stop();
      return null;
    },
    async 'finetune.jobs'() {
      return finetunes.list();
    },
    async 'finetune.discard'({ jobId }) {
      await finetunes.discard(jobId);
      return null;
    },
    async 'runs.list'() {
      return listRuns();
    },
    async 'runs.get'({ id }) {
      return getRun(id);
    },
    async 'runs.rename'({ id, name }) {
      return renameRun(id, name);
    },
    async 'runs.delete'({ id }) {
      predictor.forget(id);
      const run = await getRun(id).catch(() => null);
      await deleteRun(id);
      // The run is gone either way; a leftover encoder only costs storage, so say so and go on.
      if (run) {
        await dropUnusedImportedEncoder(run.encoderId, encoders).catch((err: Error) =>
          broadcast({ type: 'log', level: 'warn', message: `the imported encoder of run ${id} was not removed: ${err.message}` }),
        );
      }
      return null;
    },
    async predict({ runId, texts }) {
      await ready();
      return predictor.predict(runId, texts);
    },
    async explain({ runId, text }) {
      await ready();
      return predictor.explain(runId, text);
    },
    'predict.batchPreview'({ file, fileName, choice }) {
      return predictor.previewFile(file, fileName, choice);
    },
    async 'predict.batch'({ runId, file, fileName, choice }, emit) {
      await ready();
      return predictor.predictFile(runId, file, fileName, progressReporter(emit, 'predict'), choice);
    },
    async export({ runId, format }) {
      // Only runs stored before runs recorded their tokenizer need the encoder loaded.
      return exportRun(runId, format, async (encoderId) => {
        await ready();
        return (await encoders.get(asEncoderId(encoderId))).encoder.tokenizerName;
      });
    },
    async 'import.bundle'({ file, fileName, allowDownload }) {
      await ready();
      return importBundle(file, fileName, encoders, allowDownload === true);
    },
    async 'perf.auto'({ encoderId, remeasure = false }) {
      await ready();
      notTraining('measuring backends');
      return chooseBackendFor(encoderId, remeasure);
    },
    async 'perf.choices'() {
      return listBackendChoices();
    },
    async 'perf.embed'({ encoderId, texts, batchSize = 32, latency = false, reference = false }) {
      await ready();
      notTraining('measuring speed');
      if (!Array.isArray(texts) || texts.length === 0) throw new EngineError('BAD_ARGUMENT', `texts must be a non-empty array of strings; received ${texts?.length ?? texts}`);
      const info = auto!.current;
      return encoders.use(encoderId, null, async ({ encoder }) => {
        const tokens = texts.reduce((n, t) => n + encoder.encodeIds(t).length, 0);
        const path = reference ? 'tfjs' : ((await encoder.embedPath?.()) ?? 'tfjs');
        const how = reference ? { reference: true } : {};
        if (latency) {
          // One text per call, as the playground embeds (the first builds kernels: not timed).
          await encoder.embedTexts([`${texts[0]} .`], { latency: true, ...how });
          const vectors: Float32Array[] = [];
          const t0 = performance.now();
          for (const t of texts) vectors.push(await encoder.embedTexts([t], { latency: true, ...how }));
          const ms = performance.now() - t0;
          // The vectors against forward()'s for the first texts (equal up to float rounding).
          const some = texts.slice(0, 4);
          const ref = await encoder.embedTexts(some, { batchSize, reference: true });
          const referenceMaxAbsDiff = some.reduce((m, _, i) => vectors[i]!.reduce((mm, v, d) => Math.max(mm, Math.abs(v - ref[i * encoder.dim + d]!)), m), 0);
          return { backend: info.backend, threads: info.threads, workers: 0, poolMaxAbsDiff: null, texts: texts.length, tokens, ms, textsPerSecond: texts.length / (ms / 1000), path, referenceMaxAbsDiff };
        }
        // The first batch builds kernels (WebGPU shaders, XNNPACK operators, the CPU path): not what we time.
        await encoder.embedTexts(texts.slice(0, batchSize), { batchSize, ...how });
        // Bulk embedding is what the pool (if any) takes: started first, so its start-up is not timed.
        const workers = texts.length >= POOL_MIN_TEXTS && (await encoders.warmPool(encoderId, texts.slice(0, batchSize))) ? pool!.size : 0;
        const t0 = performance.now();
        const vectors = await encoder.embedTexts(texts, { batchSize, parallel: true, ...how });
        const ms = performance.now() - t0;
        // The workers' vectors against the engine's own for a few texts (same weights: equal up to float rounding).
        let poolMaxAbsDiff: number | null = null;
        if (workers > 0 && texts.length >= POOL_MIN_TEXTS) {
          const mine = await encoder.embedTexts(texts.slice(0, 8), { batchSize, ...how });
          poolMaxAbsDiff = mine.reduce((m, v, i) => Math.max(m, Math.abs(v - vectors[i]!)), 0);
        }
        return { backend: info.backend, threads: info.threads, workers, poolMaxAbsDiff, texts: texts.length, tokens, ms, textsPerSecond: texts.length / (ms / 1000), path };
      });
    },
    async 'storage.estimate'() {
      const est = await navigator.storage?.estimate?.();
      return { usage: est?.usage ?? null, quota: est?.quota ?? null };
    },
  }, broadcast);
}
