import type { RunSummary } from '../core/model/records';
import { StorageError } from './errors';
import { openTextTuneDB, renameRecord, withQuota, type ModelRecord, type RunRecord } from './db';

export async function listRuns(): Promise<RunSummary[]> {
  const db = await openTextTuneDB();
  const all = await db.getAllFromIndex('runs', 'by-created');
  // The list view needs no history or examples.
  return all.reverse().map(({ history: _h, misclassified: _m, ...summary }) => summary);
}

export async function getRun(id: string): Promise<RunRecord> {
  const run = await (await openTextTuneDB()).get('runs', id);
  if (!run) throw new StorageError('NOT_FOUND', `no run with id "${id}"`);
  return run;
}

export async function getModel(runId: string): Promise<ModelRecord> {
  const model = await (await openTextTuneDB()).get('models', runId);
  if (!model) throw new StorageError('NOT_FOUND', `no stored weights for run "${runId}"`);
  return model;
}

/** A run's metadata and its weights in one transaction: never one without the other. */
export async function saveRun(run: RunRecord, model: ModelRecord): Promise<void> {
  if (run.id !== model.runId) throw new StorageError('BAD_ARGUMENT', `model.runId "${model.runId}" != run.id "${run.id}"`);
  const db = await openTextTuneDB();
  await withQuota(async () => {
    const tx = db.transaction(['runs', 'models'], 'readwrite');
    await Promise.all([tx.objectStore('runs').put(run), tx.objectStore('models').put(model), tx.done]);
  });
}

export async function deleteRun(id: string): Promise<void> {
  const db = await openTextTuneDB();
  const tx = db.transaction(['runs', 'models'], 'readwrite');
  await Promise.all([tx.objectStore('runs').delete(id), tx.objectStore('models').delete(id), tx.done]);
}

/** Renames a run (its record only: the weights are keyed by id). */
export async function renameRun(id: string, name: string): Promise<RunSummary> {
  const { history: _h, misclassified: _m, ...summary } = await renameRecord('runs', id, name, 'run');
  return summary;
}
