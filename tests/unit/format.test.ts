import { describe, expect, it } from 'vitest';
import { pct, validationNote, validationRows } from '../../src/components/format';

describe('honest numbers', () => {
  it('never shows 100.0% or 0.0%', () => {
    expect(pct(1)).toBe('>99.9%');
    expect(pct(0.99951)).toBe('>99.9%');
    expect(pct(0.9994)).toBe('99.9%');
    expect(pct(0)).toBe('<0.1%');
    expect(pct(0.0004)).toBe('<0.1%');
    expect(pct(0.0006)).toBe('0.1%');
    expect(pct(0.5)).toBe('50.0%');
    expect(pct(1, 0)).toBe('>99%');
    expect(pct(Number.NaN)).toBe('–');
  });

  it('counts validation rows from the supports and warns under 50', () => {
    expect(validationRows([{ support: 3 }, { support: 5 }])).toBe(8);
    expect(validationNote(8)).toEqual({ text: 'on 8 validation rows — few rows: one row moves accuracy by 13%', few: true });
    expect(validationNote(1).text).toMatch(/^on 1 validation row —/);
    expect(validationNote(200)).toEqual({ text: 'on 200 validation rows', few: false });
  });
});
