import { describe, expect, it } from 'vitest';
import { fieldError } from '../../src/components/number-fields';

const batch = { label: 'Batch size', step: 1, min: 1, max: 1024 };
const frac = { label: 'Validation fraction', step: 0.05, min: 0.05, max: 0.5 };
const seed = { label: 'Seed', step: 1, min: 0 };

describe('settings fields are checked in the user’s words', () => {
  it('accepts values inside the rule', () => {
    expect(fieldError(batch, '16')).toBeNull();
    expect(fieldError(frac, '0.5')).toBeNull();
    expect(fieldError(seed, '123456')).toBeNull();
  });

  it('a cleared field is empty, not 0, and the message names the label and the range', () => {
    expect(fieldError(batch, '')).toBe('Batch size is empty: enter a number from 1 to 1024.');
    expect(fieldError(seed, '  ')).toBe('Seed is empty: enter a number 0 or more.');
  });

  it('refuses out-of-range values and fractions of whole-number fields', () => {
    expect(fieldError(frac, '0.9')).toBe('Validation fraction must be between 0.05 and 0.5, not 0.9.');
    expect(fieldError(batch, '0')).toBe('Batch size must be between 1 and 1024, not 0.');
    expect(fieldError(batch, '2.5')).toBe('Batch size must be a whole number, not 2.5.');
    expect(fieldError(seed, '-1')).toBe('Seed must be at least 0, not -1.');
    expect(fieldError({ ...frac, integer: false }, '0.25')).toBeNull();
    expect(fieldError(batch, 'abc')).toMatch(/^Batch size must be a number from 1 to 1024/);
  });
});
