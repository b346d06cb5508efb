import type { CachedEncoder } from '../core/model/records';
import { openTextTuneDB, withQuota, type EncoderFileRecord } from './db';

export function encoderKey(id: string, revision: string): string {
  return `${id}@${revision}`;
}

export async function getEncoderFiles(id: string, revision: string): Promise<EncoderFileRecord[]> {
  const db = await openTextTuneDB();
  return db.getAllFromIndex('encoderFiles', 'by-encoder', encoderKey(id, revision));
}

/** The paths stored for one encoder revision, without reading the files (keys only: cheap). */
export async function getEncoderFilePaths(id: string, revision: string): Promise<string[]> {
  const db = await openTextTuneDB();
  const prefix = `${encoderKey(id, revision)}/`;
  const keys = await db.getAllKeysFromIndex('encoderFiles', 'by-encoder', encoderKey(id, revision));
  return keys.map((k) => String(k).slice(prefix.length));
}

export async function getEncoderFile(id: string, revision: string, path: string): Promise<EncoderFileRecord | undefined> {
  const db = await openTextTuneDB();
  return db.get('encoderFiles', `${encoderKey(id, revision)}/${path}`);
}

/** All files of one encoder revision in one transaction, so the cache is all-or-nothing. */
export async function putEncoderFiles(records: EncoderFileRecord[]): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(async () => {
    const tx = db.transaction('encoderFiles', 'readwrite');
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
  });
}

export async function deleteEncoderFiles(id: string, revision: string): Promise<void> {
  const db = await openTextTuneDB();
  const tx = db.transaction('encoderFiles', 'readwrite');
  const keys = await tx.store.index('by-encoder').getAllKeys(encoderKey(id, revision));
  await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
}

export async function listCachedEncoders(): Promise<CachedEncoder[]> {
  const db = await openTextTuneDB();
  const byEncoder = new Map<string, CachedEncoder>();
  let cursor = await db.transaction('encoderFiles').store.openCursor();
  while (cursor) {
    const r = cursor.value;
    // Hub ids hold an '@' themselves ("hf:owner/name@main"); revisions never do.
    const at = r.encoder.lastIndexOf('@');
    const id = r.encoder.slice(0, at);
    const revision = r.encoder.slice(at + 1);
    const e = byEncoder.get(r.encoder) ?? { id, revision, bytes: 0, storedAt: r.storedAt };
    e.bytes += r.bytes.byteLength;
    byEncoder.set(r.encoder, e);
    cursor = await cursor.continue();
  }
  return [...byEncoder.values()];
}
