// The backend measured fastest on this device, per (encoder, task). IndexedDB is per browser
// profile and origin, which is what "this device" means for the app.
import type { BackendChoice, PerfTask } from '../core/model/records';
import { openTextTuneDB, withQuota } from './db';

export function backendChoiceKey(encoderId: string, task: PerfTask): string {
  return `${encoderId}|${task}`;
}

export async function getBackendChoice(encoderId: string, task: PerfTask): Promise<BackendChoice | null> {
  const db = await openTextTuneDB();
  return (await db.get('backendChoices', backendChoiceKey(encoderId, task))) ?? null;
}

export async function putBackendChoice(choice: BackendChoice): Promise<void> {
  const db = await openTextTuneDB();
  await withQuota(() => db.put('backendChoices', choice));
}

export async function listBackendChoices(): Promise<BackendChoice[]> {
  const db = await openTextTuneDB();
  return db.getAll('backendChoices');
}
