// Encoder presets as data, and the free "owner/name[@revision]" field.
import { describe, expect, it } from 'vitest';
import { ENCODER_PRESETS, hubEncoderId, parseModelRef } from '../../src/core/encoders/registry';

describe('encoder presets', () => {
  it('lists the embedded encoder and the curated hub models with size, parameters and license', () => {
    expect(ENCODER_PRESETS.map((p) => p.id)).toEqual(['use-lite', 'sentence-transformers/all-MiniLM-L6-v2', 'BAAI/bge-small-en-v1.5', 'prajjwal1/bert-tiny', 'google/bert_uncased_L-2_H-128_A-2']);
    for (const p of ENCODER_PRESETS) {
      expect(p.sizeMB).toBeGreaterThan(1);
      expect(p.parameters).toBeGreaterThan(1e6);
      expect(p.license).toMatch(/^(MIT|Apache-2\.0)$/);
      // float32 weights: size ≈ 4 bytes per parameter
      if (p.source === 'hub') expect(Math.abs(p.sizeMB - (p.parameters * 4) / 1e6)).toBeLessThan(0.2);
      if (p.source === 'hub') expect(() => parseModelRef(p.repo!)).not.toThrow();
    }
  });
});

describe('parseModelRef', () => {
  it.each([
    ['sentence-transformers/all-MiniLM-L6-v2', 'sentence-transformers/all-MiniLM-L6-v2', 'main'],
    ['  BAAI/bge-small-en-v1.5@v1.0 ', 'BAAI/bge-small-en-v1.5', 'v1.0'],
    ['prajjwal1/bert-tiny@refs/pr/3', 'prajjwal1/bert-tiny', 'refs/pr/3'],
    ['https://huggingface.co/google/bert_uncased_L-2_H-128_A-2', 'google/bert_uncased_L-2_H-128_A-2', 'main'],
    ['https://huggingface.co/BAAI/bge-small-en-v1.5/tree/5c38ec7c405ec4b44b94cc5a9bb96e735b38267a', 'BAAI/bge-small-en-v1.5', '5c38ec7c405ec4b44b94cc5a9bb96e735b38267a'],
  ])('%s', (input, repo, revision) => {
    const ref = parseModelRef(input);
    expect(ref).toMatchObject({ repo, revision });
    expect(parseModelRef(`${ref.repo}@${ref.revision}`)).toEqual(ref);
    expect(hubEncoderId(ref)).toBe(`hf:${repo}@${revision}`);
  });

  it.each([
    ['', 'empty', /enter a Hub model id/],
    ['bert-base-uncased', 'bad-format', /expected "owner\/name" or "owner\/name@revision"; received "bert-base-uncased"/],
    ['a/b/c', 'bad-format', /received "a\/b\/c"/],
    ['-owner/name', 'bad-name', /the owner "-owner" is not a valid Hub name/],
    ['owner/na me', 'bad-name', /the name "na me"/],
    ['owner/name@', 'bad-revision', /the revision "" is not a valid/],
    ['owner/name@../x', 'bad-revision', /the revision "..\/x"/],
  ])('rejects %j', (input, code, message) => {
    expect(() => parseModelRef(input)).toThrow(expect.objectContaining({ name: 'ModelRefError', code, message: expect.stringMatching(message) }));
  });
});
