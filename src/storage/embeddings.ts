import { openTextTuneDB, withQuota, type EmbeddingsRecord } from './db';

export function embeddingsKey(datasetId: string, encoderId: string, weightsHash: string): string {
  return `${datasetId}|${encoderId}|${weightsHash}`;
}

export async function getEmbeddings(key: string): Promise<EmbeddingsRecord | undefined> {
  return (await openTextTuneDB()).get('embeddings', key);
}

export async function putEmbeddings(record: EmbeddingsRecord): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(() => db.put('embeddings', record));
}
