// Unfinished fine-tuning runs and their per-epoch checkpoints.
import { StorageError } from './errors';
import { openTextTuneDB, withQuota, type FineTuneJobRecord, type ModelRecord, type RunRecord } from './db';

export async function listFineTuneJobs(): Promise<FineTuneJobRecord[]> {
  const db = await openTextTuneDB();
  return (await db.getAllFromIndex('finetunes', 'by-created')).reverse();
}

export async function getFineTuneJob(id: string): Promise<FineTuneJobRecord> {
  const job = await (await openTextTuneDB()).get('finetunes', id);
  if (!job) throw new StorageError('NOT_FOUND', `no unfinished fine-tuning run with id "${id}"`);
  return job;
}

/** Writes the job with its latest checkpoint (one put: the old checkpoint stays until the new one is complete). */
export async function putFineTuneJob(job: FineTuneJobRecord): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(() => db.put('finetunes', job));
}

export async function deleteFineTuneJob(id: string): Promise<void> {
  await (await openTextTuneDB()).delete('finetunes', id);
}

/** The finished run and its weights are saved and its checkpoint dropped in one transaction. */
export async function finishFineTuneJob(jobId: string, run: RunRecord, model: ModelRecord): Promise<void> {
  if (run.id !== model.runId) throw new StorageError('BAD_ARGUMENT', `model.runId "${model.runId}" != run.id "${run.id}"`);
  const db = await openTextTuneDB();
  await withQuota(async () => {
    const tx = db.transaction(['runs', 'models', 'finetunes'], 'readwrite');
    await Promise.all([
      tx.objectStore('runs').put(run),
      tx.objectStore('models').put(model),
      tx.objectStore('finetunes').delete(jobId),
      tx.done,
    ]);
  });
}
