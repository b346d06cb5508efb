// Which saved dataset holds exactly the rows being imported: the same file uploaded twice (or the
// same rows in another order, or under another name) would otherwise become a silent second copy.

import type { DatasetProblem } from '../model/records';

/** Murmur3's finaliser: spreads every input bit over the 32 output bits. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two independent 32-bit FNV-1a hashes of `s` (different offset bases), mixed. */
function hash2(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return [mix(a), mix(b ^ 0x9e3779b9)];
}

/**
 * A fingerprint of a dataset's rows (text and label, labelled or not) that does not depend on
 * their order: 64 bits as the sums of per-row hashes, and the row count. Not cryptographic: equal
 * fingerprints only make the import say "this looks like a dataset you saved".
 */
export function rowsFingerprint(rows: Iterable<{ text: string; label: string }>): string {
  let count = 0;
  let sumA = 0;
  let sumB = 0;
  for (const r of rows) {
    // NUL between text and label: texts hardly ever hold one, and a collision only shows a warning.
    const [a, b] = hash2(`${r.text}\u0000${r.label}\u0001`);
    sumA = (sumA + a) >>> 0;
    sumB = (sumB + b) >>> 0;
    count++;
  }
  return `${count}:${sumA.toString(16).padStart(8, '0')}${sumB.toString(16).padStart(8, '0')}`;
}

/**
 * The warning for an import whose rows a saved dataset already holds (null: none does). The time is
 * local, written as the datasets list writes it (the worker has the page's locale and time zone).
 */
export function sameRowsWarning(fingerprint: string, saved: readonly { name: string; createdAt: number; fingerprint?: string }[]): DatasetProblem | null {
  const twin = saved.find((d) => d.fingerprint === fingerprint);
  if (!twin) return null;
  const rows = Number(fingerprint.split(':')[0]);
  return {
    code: 'same-rows-saved',
    severity: 'warning',
    message:
      `These ${rows} rows are exactly those of the dataset "${twin.name}", saved ${new Date(twin.createdAt).toLocaleString()}. ` +
      `Saving makes a second copy; to train on them again, pick "${twin.name}" in the datasets list instead.`,
  };
}
