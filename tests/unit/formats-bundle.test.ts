import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { unzipSync, zipSync } from 'fflate';
import { readBundle, writeBundle, type BundleMetadata } from '../../src/core/formats/bundle';
import { describeArchive } from '../../src/core/formats/zip';

const metadata: BundleMetadata = {
  format: 'texttune-bundle',
  version: 1,
  labels: ['neg', 'pos'],
  encoder: { id: 'use-lite', weightsHash: 'abc123', maxSeqLength: 128, tokenizer: 'sentencepiece' },
  hyperParameters: { epochs: 3, learningRate: 0.001 },
  metrics: { accuracy: 0.9, macroF1: 0.88 },
  datasetId: 'ds-1',
  createdAt: '2025-01-02T03:04:05.000Z',
};
const head = { modelJson: { modelTopology: { a: 1 }, weightsManifest: [] }, weightsBin: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
const encoderWeights = new Uint8Array([9, 9, 9]);

/** Rewrites one member of a bundle (without updating the manifest, unless asked). */
function edit(bytes: Uint8Array, change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  change(files);
  return zipSync(files);
}

describe('bundle', () => {
  it('round-trips metadata, head artifacts and encoder weights, with a manifest of sha256 per member', async () => {
    const bytes = await writeBundle({ metadata, head, encoderWeights });
    const back = await readBundle(bytes);
    expect(back.metadata).toEqual(metadata);
    expect(back.head.modelJson).toEqual(head.modelJson);
    expect(Array.from(back.head.weightsBin)).toEqual(Array.from(head.weightsBin));
    expect(Array.from(back.encoderWeights!)).toEqual([9, 9, 9]);
    expect(Object.keys(back.manifest.files).sort()).toEqual(['encoder/weights.safetensors', 'model/model.json', 'model/weights.bin', 'texttune.json']);
    expect(back.manifest.files['model/weights.bin']).toEqual({ sha256: createHash('sha256').update(head.weightsBin).digest('hex'), size: 8 });
    // Deterministic: same input, same bytes.
    expect(Array.from(await writeBundle({ metadata, head, encoderWeights }))).toEqual(Array.from(bytes));
  });

  it('omits encoder weights when none are given', async () => {
    const back = await readBundle(await writeBundle({ metadata, head }));
    expect(back.encoderWeights).toBeUndefined();
    expect(back.manifest.files['encoder/weights.safetensors']).toBeUndefined();
  });

  it('refuses a damaged zip', async () => {
    const bytes = await writeBundle({ metadata, head });
    await expect(readBundle(bytes.subarray(0, bytes.length - 30))).rejects.toThrow(expect.objectContaining({ name: 'BundleError', code: 'damaged-zip' }));
    await expect(readBundle(new TextEncoder().encode('not a zip at all'))).rejects.toThrow(expect.objectContaining({ code: 'damaged-zip' }));
  });

  it('refuses a zip that is not a bundle, or a wrong format or version', async () => {
    await expect(readBundle(zipSync({ 'readme.txt': new Uint8Array([1]) }))).rejects.toThrow(expect.objectContaining({ code: 'wrong-format', message: expect.stringMatching(/no manifest.json/) }));
    const bytes = await writeBundle({ metadata, head });
    const setManifest = (patch: object): Uint8Array =>
      edit(bytes, (f) => {
        const m = JSON.parse(new TextDecoder().decode(f['manifest.json']));
        f['manifest.json'] = new TextEncoder().encode(JSON.stringify({ ...m, ...patch }));
      });
    await expect(readBundle(setManifest({ format: 'other' }))).rejects.toThrow(expect.objectContaining({ code: 'wrong-format', message: expect.stringMatching(/"other"/) }));
    await expect(readBundle(setManifest({ version: 2 }))).rejects.toThrow(expect.objectContaining({ code: 'unsupported-version', message: expect.stringMatching(/version 2/) }));
  });

  it('a Hugging Face zip or a TensorFlow.js export given as a bundle says what it is and where it goes', async () => {
    const one = new Uint8Array([1]);
    await expect(readBundle(zipSync({ 'my-model/config.json': one, 'my-model/model.safetensors': one }))).rejects.toThrow(
      expect.objectContaining({ code: 'wrong-format', message: expect.stringMatching(/not a TextTune bundle\. It looks like a Hugging Face model: import it under "Import a Hugging Face classifier"/) }),
    );
    await expect(readBundle(zipSync({ 'model.json': one, 'weights.bin': one, 'metadata.json': one }))).rejects.toThrow(
      expect.objectContaining({ message: expect.stringMatching(/TensorFlow\.js export .* cannot be imported back: import the model's \.texttune\.zip bundle/) }),
    );
    // The other way round (the Hugging Face import names it with the same words).
    expect(describeArchive(['manifest.json', 'texttune.json', 'model/model.json'])).toMatch(/TextTune bundle: import it under "Import a bundle"/);
    expect(describeArchive(['readme.txt'])).toBe('');
  });

  it('refuses a missing member and a member whose checksum does not match', async () => {
    const bytes = await writeBundle({ metadata, head, encoderWeights });
    const missing = edit(bytes, (f) => delete f['encoder/weights.safetensors']);
    await expect(readBundle(missing)).rejects.toThrow(expect.objectContaining({ code: 'missing-member', message: expect.stringMatching(/encoder\/weights.safetensors is listed/) }));
    const tampered = edit(bytes, (f) => {
      f['model/weights.bin'] = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 9]);
    });
    await expect(readBundle(tampered)).rejects.toThrow(expect.objectContaining({ code: 'checksum-mismatch', message: expect.stringMatching(/model\/weights.bin is damaged/) }));
  });

  it('refuses to write invalid metadata, naming the field and value', async () => {
    await expect(writeBundle({ metadata: { ...metadata, labels: ['only'] }, head })).rejects.toThrow(expect.objectContaining({ code: 'invalid-argument', message: expect.stringMatching(/labels.*\["only"\]/) }));
    await expect(writeBundle({ metadata: { ...metadata, version: 2 as 1 }, head })).rejects.toThrow(/version must be 1, got 2/);
  });
});
