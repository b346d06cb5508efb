import type { DatasetMeta } from '../core/model/records';
import { StorageError } from './errors';
import { openTextTuneDB, renameRecord, withQuota, type DatasetRowsRecord } from './db';

export async function listDatasets(): Promise<DatasetMeta[]> {
  const db = await openTextTuneDB();
  const all = await db.getAllFromIndex('datasets', 'by-created');
  return all.reverse();
}

export async function getDataset(id: string): Promise<DatasetMeta> {
  const meta = await (await openTextTuneDB()).get('datasets', id);
  if (!meta) throw new StorageError('NOT_FOUND', `no dataset with id "${id}"`);
  return meta;
}

export async function getDatasetRows(id: string): Promise<DatasetRowsRecord> {
  const rows = await (await openTextTuneDB()).get('datasetRows', id);
  if (!rows) throw new StorageError('NOT_FOUND', `no rows stored for dataset "${id}"`);
  return rows;
}

/** Metadata and rows in one transaction: a dataset is never half-saved. */
export async function saveDataset(meta: DatasetMeta, rows: DatasetRowsRecord): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(async () => {
    const tx = db.transaction(['datasets', 'datasetRows'], 'readwrite');
    await Promise.all([tx.objectStore('datasets').put(meta), tx.objectStore('datasetRows').put(rows), tx.done]);
  });
}

export async function renameDataset(id: string, name: string): Promise<DatasetMeta> {
  return renameRecord('datasets', id, name, 'dataset');
}

/** Deletes the dataset, its rows and its cached embeddings; runs trained on it stay. */
export async function deleteDataset(id: string): Promise<void> {
  const db = await openTextTuneDB();
  const tx = db.transaction(['datasets', 'datasetRows', 'embeddings'], 'readwrite');
  const embKeys = await tx.objectStore('embeddings').index('by-dataset').getAllKeys(id);
  await Promise.all([
    tx.objectStore('datasets').delete(id),
    tx.objectStore('datasetRows').delete(id),
    ...embKeys.map((k) => tx.objectStore('embeddings').delete(k)),
  ]);
  await tx.done;
}

/**
 * Moves an unlabelled row (by its file line) into the labelled rows with `label`, one transaction
 * for rows and metadata. The label must be one of the dataset's: a new label would change the
 * classes every run was trained on.
 */
export async function labelRow(id: string, line: number, label: string): Promise<DatasetMeta> {
  const db = await openTextTuneDB();
  return withQuota(async () => {
    const tx = db.transaction(['datasets', 'datasetRows'], 'readwrite');
    const [meta, rows] = await Promise.all([tx.objectStore('datasets').get(id), tx.objectStore('datasetRows').get(id)]);
    if (!meta || !rows) throw new StorageError('NOT_FOUND', `no dataset with id "${id}"`);
    const at = labelIndexOf(meta, label);
    const i = (rows.unlabelled ?? []).findIndex((r) => r.line === line);
    if (i < 0) throw new StorageError('NOT_FOUND', `dataset "${meta.name}" has no unlabelled row at line ${line} (it may be labelled already)`);
    const [row] = rows.unlabelled!.splice(i, 1);
    rows.texts.push(row!.text);
    rows.labels.push(label);
    rows.lines.push(row!.line);
    const labelCounts = meta.labelCounts.slice();
    labelCounts[at]! += 1;
    const next: DatasetMeta = { ...meta, rowCount: rows.texts.length, labelCounts, unlabelledCount: rows.unlabelled!.length };
    await Promise.all([tx.objectStore('datasets').put(next), tx.objectStore('datasetRows').put(rows), tx.done]);
    return next;
  });
}

function labelIndexOf(meta: DatasetMeta, label: string): number {
  const at = meta.labels.indexOf(label);
  if (at < 0) throw new StorageError('BAD_ARGUMENT', `label must be one of ${meta.labels.map((l) => `"${l}"`).join(', ')}; received "${label}"`);
  return at;
}
