// Which head a fine-tuning run starts from: the one decision the engine acts on (worker/finetune-setup.ts)
// and the fine-tune panel announces, so the panel can never promise a head the engine then refuses.
import type { HeadInit, RunSummary } from './records';
import { listSome } from '../list-some';

/** What the fine-tuning run will be trained on; null where the caller does not know it (yet). */
export interface HeadWanted {
  encoderId: string;
  /** Hash of the pristine encoder weights (null: not loaded yet, not checked). */
  encoderHash: string | null;
  /** The dataset's labels, in order (null: not checked). */
  labels: readonly string[] | null;
}

export type HeadCandidate = Pick<RunSummary, 'id' | 'name' | 'config' | 'encoderId' | 'encoderHash' | 'labels' | 'fineTune'>;

/**
 * A head-only run's head carries over only when it is linear (hidden units 0) and was trained on
 * the same pristine encoder and labels: otherwise the head starts fresh, and `reason` says why.
 * (The engine then also checks the stored weights' shapes; see worker/finetune-setup.ts.)
 */
export function headInitFor(run: HeadCandidate | null | undefined, want: HeadWanted): HeadInit {
  if (!run) return { kind: 'fresh', reason: 'no head-only run was chosen' };
  const fresh = (why: string): HeadInit => ({ kind: 'fresh', reason: `run “${run.name}” ${why}` });
  if (run.fineTune) return fresh('is itself fine-tuned; its head belongs to other encoder weights');
  if (run.config.hiddenUnits !== 0) return fresh(`has a ${run.config.hiddenUnits}-unit hidden layer; only a linear head (hidden units 0) carries over`);
  if (run.encoderId !== want.encoderId || (want.encoderHash !== null && run.encoderHash !== want.encoderHash)) return fresh('was trained on other encoder weights');
  if (want.labels !== null && run.labels.join('\u0000') !== want.labels.join('\u0000')) return fresh(`has other labels than this dataset (${labelChange(want.labels, run.labels)})`);
  return { kind: 'head-run', runId: run.id, runName: run.name };
}

/** The decision in a sentence, for the fine-tune panel. */
export function headInitText(init: HeadInit): string {
  return init.kind === 'head-run' ? `The linear head starts from the head of “${init.runName}”.` : `The linear head starts fresh: ${init.reason}.`;
}

const SHOWN = 5;
const few = (xs: readonly string[]): string => listSome(xs, SHOWN);

/**
 * How the labels `now` differ from `before`, in a few words: what was added and removed (at most
 * five of each named: with 150 intents the whole lists made a message of thousands of characters).
 */
export function labelChange(now: readonly string[], before: readonly string[]): string {
  const had = new Set(before);
  const has = new Set(now);
  const added = now.filter((l) => !had.has(l));
  const removed = before.filter((l) => !has.has(l));
  const parts: string[] = [];
  if (added.length > 0) parts.push(`the dataset has ${added.length} label(s) the run lacks: ${few(added)}`);
  if (removed.length > 0) parts.push(`the run has ${removed.length} label(s) the dataset lacks: ${few(removed)}`);
  return parts.length > 0 ? parts.join('; ') : 'the same labels in another order';
}
