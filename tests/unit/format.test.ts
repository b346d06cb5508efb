import { describe, expect, it } from 'vitest';
import { axisTick, confidenceOf, pct, validationNote, validationRows } from '../../src/components/format';

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

describe('low confidence', () => {
  it('flags a top probability under 60% or a lead under 20 points', () => {
    expect(confidenceOf([0.1, 0.9])).toEqual({ top: 1, second: 0, low: false });
    expect(confidenceOf(new Float32Array([0.55, 0.45])).low).toBe(true);
    expect(confidenceOf([0.58, 0.4, 0.02])).toEqual({ top: 0, second: 1, low: true }); // lead 18 points
    expect(confidenceOf([0.65, 0.3, 0.05]).low).toBe(false);
    expect(confidenceOf([0.62, 0.2, 0.18]).low).toBe(false);
    expect(confidenceOf([0.5, 0.1, 0.4]).second).toBe(2);
  });
});

describe('chart axis', () => {
  it('tells small ticks apart (a fine-tune loss of 0.003 read "0.00" on every tick)', () => {
    const top = 0.0032;
    expect([0, top / 2, top].map(axisTick)).toEqual(['0', '0.0016', '0.0032']);
    expect([0, 0.5, 1].map(axisTick)).toEqual(['0', '0.50', '1.00']);
    expect(axisTick(2.31)).toBe('2.31');
    expect(axisTick(52.5)).toBe('53');
    expect([0, 5.2e-7, 1.04e-6].map(axisTick)).toEqual(['0', '5.2e-7', '1.0e-6']);
  });
});
