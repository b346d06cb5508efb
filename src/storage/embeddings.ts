import { openTextTuneDB, withQuota, type EmbeddingsRecord } from './db';

export function embeddingsKey(datasetId: string, encoderId: string, weightsHash: string): string {
  return `${datasetId}|${encoderId}|${weightsHash}`;
}

/** A dataset's frozen embeddings as head training caches them: also keyed by windows read per text (1: cut). */
export function trainingEmbeddingsKey(datasetId: string, encoderId: string, weightsHash: string, windows: number, overlap = 0): string {
  // Overlap 0 keeps the key of runs made before overlap existed (their cached vectors stay valid).
  return `${embeddingsKey(datasetId, encoderId, weightsHash)}|w${windows}${overlap ? `|o${overlap}` : ''}`;
}

export async function getEmbeddings(key: string): Promise<EmbeddingsRecord | undefined> {
  return (await openTextTuneDB()).get('embeddings', key);
}

export async function putEmbeddings(record: EmbeddingsRecord): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(() => db.put('embeddings', record));
}
