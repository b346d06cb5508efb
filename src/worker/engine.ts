// The engine: every protocol request's implementation. Runs in the worker (engine.worker.ts);
// the handlers are plain async functions so they could equally run in-process.
import type { Args, BackendInfo, Method, Result } from './protocol';
import { progressReporter, type Emit } from './progress';
import { EngineError } from './errors';
import { parseBackendRequest, startBackend } from './backend';
import { Importer } from './importer';
import { EncoderStore } from './encoders';
import { Trainer } from './trainer';
import { Predictor } from './predictor';
import { exportRun, importBundle } from './exporter';
import { deleteDataset, getDatasetRows, listDatasets, renameDataset } from '../storage/datasets';
import { deleteRun, getRun, listRuns } from '../storage/runs';
import { listCachedEncoders } from '../storage/encoder-files';
import { rejectedToCsv } from '../core/data/validate';

export type Handlers = { [M in Method]: (args: Args<M>) => Promise<Result<M>> };

export function createEngine(emit: Emit): Handlers {
  const importer = new Importer();
  const download = progressReporter(emit, 'download');
  const encoders = new EncoderStore(
    (p) => download(p.loaded, p.total, p.file.split('/').pop() ?? null),
    (info) => emit({ type: 'encoder', info }),
  );
  const predictor = new Predictor(encoders);
  const trainer = new Trainer(encoders, emit, predictor);
  let backendReady: Promise<BackendInfo> | null = null;
  // Every tfjs request waits for the backend chosen by init (the UI calls init first).
  const ready = async (): Promise<void> => {
    if (!backendReady) throw new EngineError('BACKEND_FAILED', 'the engine was not initialised (call init first)');
    await backendReady;
  };

  return {
    async init({ backend }) {
      // The backend is chosen once per worker; a second init (StrictMode, a remount) gets the same answer.
      backendReady ??= startBackend(parseBackendRequest(backend));
      const info = await backendReady;
      emit({ type: 'backend', info });
      return info;
    },
    async 'import.open'({ file, fileName }) {
      const report = progressReporter(emit, 'parse');
      return importer.open(file, fileName, (f) => report(Math.round(f * 1000), 1000));
    },
    async 'import.map'({ importId, mapping }) {
      return importer.map(importId, mapping);
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
    async 'encoder.load'({ id }) {
      await ready();
      return (await encoders.get(id)).info;
    },
    async 'encoder.cached'() {
      return listCachedEncoders();
    },
    async 'train.start'({ datasetId, encoderId, config }) {
      await ready();
      return trainer.run(datasetId, encoderId, config);
    },
    async 'train.stop'() {
      trainer.stop();
      return null;
    },
    async 'runs.list'() {
      return listRuns();
    },
    async 'runs.get'({ id }) {
      return getRun(id);
    },
    async 'runs.delete'({ id }) {
      predictor.forget(id);
      await deleteRun(id);
      return null;
    },
    async predict({ runId, texts }) {
      await ready();
      return predictor.predict(runId, texts);
    },
    async 'predict.batch'({ runId, file, fileName }) {
      await ready();
      return predictor.predictFile(runId, file, fileName, progressReporter(emit, 'predict'));
    },
    async export({ runId, format }) {
      return exportRun(runId, format);
    },
    async 'import.bundle'({ file, fileName }) {
      await ready();
      return importBundle(file, fileName, encoders);
    },
    async 'storage.estimate'() {
      const est = await navigator.storage?.estimate?.();
      return { usage: est?.usage ?? null, quota: est?.quota ?? null };
    },
  };
}
