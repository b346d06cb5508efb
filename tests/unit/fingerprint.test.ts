import { describe, expect, it } from 'vitest';
import { rowsFingerprint, sameRowsWarning } from '../../src/core/data/fingerprint';

const rows = Array.from({ length: 500 }, (_, i) => ({ text: `review number ${i}: ${i % 3 ? 'fine' : 'awful'} café`, label: i % 2 ? 'pos' : 'neg' }));

describe('rowsFingerprint', () => {
  it('is the same for the same rows in any order, and says how many rows', () => {
    const a = rowsFingerprint(rows);
    const shuffled = [...rows].reverse();
    [shuffled[3], shuffled[400]] = [shuffled[400]!, shuffled[3]!];
    expect(rowsFingerprint(shuffled)).toBe(a);
    expect(a).toMatch(/^500:[0-9a-f]{16}$/);
  });

  it('changes with any one text, label, added or dropped row', () => {
    const a = rowsFingerprint(rows);
    const seen = new Set([a]);
    const variants = [
      rows.map((r, i) => (i === 250 ? { ...r, text: `${r.text}.` } : r)),
      rows.map((r, i) => (i === 0 ? { ...r, label: r.label === 'pos' ? 'neg' : 'pos' } : r)),
      rows.slice(1),
      [...rows, rows[0]!],
      // Text and label swapped across the separator, and a label moved into the text.
      rows.map((r, i) => (i === 7 ? { text: r.label, label: r.text } : r)),
      rows.map((r, i) => (i === 9 ? { text: `${r.text}${r.label}`, label: '' } : r)),
    ];
    for (const v of variants) seen.add(rowsFingerprint(v));
    expect(seen.size).toBe(variants.length + 1);
  });

  it('gives 10,000 distinct one-row datasets 10,000 distinct fingerprints', () => {
    const all = new Set(Array.from({ length: 10_000 }, (_, i) => rowsFingerprint([{ text: `t${i}`, label: 'x' }])));
    expect(all.size).toBe(10_000);
  });
});

describe('sameRowsWarning', () => {
  const fp = rowsFingerprint(rows);
  it('names the saved dataset with the same rows, as a warning (saving stays possible)', () => {
    const w = sameRowsWarning(fp, [
      { name: 'other', createdAt: 0, fingerprint: rowsFingerprint(rows.slice(1)) },
      { name: 'reviews.csv', createdAt: Date.UTC(2026, 10, 29, 17, 5), fingerprint: fp },
    ]);
    expect(w?.severity).toBe('warning');
    expect(w?.code).toBe('same-rows-saved');
    expect(w?.message).toContain(`These 500 rows are exactly those of the dataset "reviews.csv", saved ${new Date(Date.UTC(2026, 10, 29, 17, 5)).toLocaleString()}.`);
  });

  it('says nothing when no saved dataset has them (older records have no fingerprint)', () => {
    expect(sameRowsWarning(fp, [{ name: 'old', createdAt: 0 }, { name: 'other', createdAt: 0, fingerprint: rowsFingerprint(rows.slice(2)) }])).toBeNull();
    expect(sameRowsWarning(fp, [])).toBeNull();
  });
});
