// Every file of the hostile corpus (scripts/gen-hostile.mjs) through the real code path that
// reads it, asserting the message, a bounded time and memory, and no leaked tensors (issue 9).
// Paths that cross the UI and storage are covered in e2e.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDelimited } from '../../src/core/data/csv';
import { buildDataset } from '../../src/core/data/validate';
import { readBundle } from '../../src/core/formats/bundle';
import { importHfClassifier, unzipHfFolder } from '../../src/core/formats/hf-export';
import { artifactsToHead } from '../../src/core/formats/tfjs-artifacts';
import { readZip } from '../../src/core/formats/zip';
import { wordPieceFromTokenizerJson, wordPieceFromVocab } from '../../src/core/tokenizers/wordpiece';
import { bounded, hostileFile, hostileText, removeHostileDir } from '../support/hostile';
// @ts-expect-error: a plain .mjs script without types; used here to build variants of its files.
import { bundleMetadata, bundleZip, headArtifacts } from '../../scripts/gen-hostile.mjs';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});
afterAll(removeHostileDir);

const map = { textColumn: 0, labelColumn: 1 };

describe('hostile CSVs', () => {
  it('mixed-endings.csv keeps its 6 rows, lone-cr.csv its 4', async () => {
    expect(buildDataset(await parseDelimited(hostileText('mixed-endings.csv')), map).rows).toHaveLength(6);
    expect(buildDataset(await parseDelimited(hostileText('lone-cr.csv')), map).rows).toHaveLength(4);
  });

  it('prototype-labels.csv lists and counts __proto__, constructor and toString', async () => {
    const r = buildDataset(await parseDelimited(hostileText('prototype-labels.csv')), map);
    expect(r.labels).toEqual(['__proto__', 'constructor', 'toString']);
    expect(r.labels.map((l) => r.labelCounts.get(l))).toEqual([4, 4, 4]);
  });

  it('huge-field.csv (50 MB in one field) imports in bounded time and memory, the field cut and the row kept', async () => {
    const bytes = hostileFile('huge-field.csv');
    const { value, ms, mb } = await bounded(async () => buildDataset(await parseDelimited(new Blob([bytes])), map));
    if (value instanceof Error) throw value;
    expect(value.rows).toHaveLength(13);
    expect(value.problems.map((p) => p.code)).toContain('long-texts-cut');
    expect(ms).toBeLessThan(10_000);
    expect(mb).toBeLessThan(400);
  });
});

describe('hostile tokenizer files', () => {
  it('huge-max-chars.tokenizer.json is refused at once, naming the field and the value', async () => {
    const { value, ms } = await bounded(() => wordPieceFromTokenizerJson(JSON.parse(hostileText('huge-max-chars.tokenizer.json'))));
    expect(value).toMatchObject({ name: 'TokenizerError', message: expect.stringMatching(/max_input_chars_per_word must be an integer in 1\.\.200; received 1000000000/) });
    expect(ms).toBeLessThan(1_000);
  });

  it('a 3,000-character word tokenizes in milliseconds at the largest accepted limit', async () => {
    const json = JSON.parse(hostileText('huge-max-chars.tokenizer.json'));
    json.model.max_input_chars_per_word = 200;
    const tok = wordPieceFromTokenizerJson(json);
    const word = hostileText('long-word.txt');
    const { value, ms } = await bounded(() => tok.encode(`${word} ${word.slice(0, 199)}`));
    expect((value as { tokens: string[] }).tokens[1]).toBe('[UNK]');
    expect(ms).toBeLessThan(500);
  });

  it('vocab-10m.txt is refused after counting its lines, in bounded time and memory', async () => {
    const text = hostileText('vocab-10m.txt');
    const { value, ms, mb } = await bounded(() => wordPieceFromVocab(text));
    expect(value).toMatchObject({ message: expect.stringMatching(/vocab\.txt has more than 500,000 lines/) });
    expect(ms).toBeLessThan(2_000);
    expect(mb).toBeLessThan(50);
  });
});

describe('hostile zips', () => {
  it('zip-bomb.zip (a member declaring 2 GiB) is refused before anything is inflated', async () => {
    for (const read of [(b: Uint8Array) => readZip(b, 'test'), unzipHfFolder, readBundle] as ((b: Uint8Array) => unknown)[]) {
      const { value, ms, mb } = await bounded(() => read(hostileFile('zip-bomb.zip')));
      expect(value).toBeInstanceOf(Error);
      expect((value as Error).message).toMatch(/model\.safetensors would unpack to 2048\.0 MB; the limit per file is 1024\.0 MB|manifest/);
      expect(ms).toBeLessThan(1_000);
      expect(mb).toBeLessThan(20);
    }
  });

  it('zip-liar.zip (declares 1,000 B, inflates to 64 MiB) is refused as soon as it overruns', async () => {
    const { value, ms, mb } = await bounded(() => unzipHfFolder(hostileFile('zip-liar.zip')));
    expect((value as Error).message).toMatch(/model\.safetensors unpacks to more or fewer bytes than the 1000 its header declares/);
    expect(ms).toBeLessThan(2_000);
    expect(mb).toBeLessThan(48); // it would be 64 MiB inflated
  });

  it('zip-many.zip (5,000 members) is refused by count', async () => {
    const { value } = await bounded(() => readZip(hostileFile('zip-many.zip'), 'import'));
    expect((value as Error).message).toBe('import: the zip has 5000 members; the limit is 1000');
  });
});

describe('hostile bundles', () => {
  const load = async (name: string) => {
    const b = await readBundle(hostileFile(name));
    return artifactsToHead(b.head.modelJson, b.head.weightsBin);
  };

  it('bundle-ok loads (the twin of the hostile bundles is valid)', async () => {
    const head = await load('bundle-ok.texttune.zip');
    expect(head.outputs[0]!.shape).toEqual([null, 2]);
    head.dispose();
  });

  it('bundle-topology (a 1,000,000-unit Dense over 2 units of weights) is refused before tfjs allocates, leaking nothing', async () => {
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) {
      const { value, ms } = await bounded(() => load('bundle-topology.texttune.zip'));
      expect((value as Error).message).toMatch(/Dense layer "logits" declares 512 → 1000000 units but its weights are \[512,2\]/);
      expect(ms).toBeLessThan(1_000);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
  });

  it('bundle-nan (NaN and Infinity in the head weights) is refused', async () => {
    const tensors = tf.memory().numTensors;
    await expect(load('bundle-nan.texttune.zip')).rejects.toThrow(/weight "logits\/kernel" holds NaN at index 3/);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('hostile Hugging Face zips', () => {
  it('hf-nan.zip is refused, naming the tensor', async () => {
    await expect(importHfClassifier(hostileFile('hf-nan.zip'))).rejects.toThrow(/model\.safetensors: weight "classifier\.weight" holds NaN at index 7/);
  });
});

describe('lying records are refused field by field (records.ts)', () => {
  it('bundle-no-metrics (metrics {} and fineTune "yes") is refused naming the field', async () => {
    await expect(readBundle(hostileFile('bundle-no-metrics.texttune.zip'))).rejects.toThrow(/readBundle: texttune\.json\.metrics\.accuracy must be a finite number in \[0, 1\]; received undefined|texttune\.json\.fineTune must be an object/);
  });

  it('bad id2label (objects, numbers), duplicate labels and an unknown pooling are refused; the honest twin imports', async () => {
    await expect(importHfClassifier(hostileFile('hf-bad-id2label.zip'))).rejects.toThrow(/config\.json\.id2label\[0\] must be a string of at most 200 characters; received \{"name":"neg"\}/);
    await expect(importHfClassifier(hostileFile('hf-dup-id2label.zip'))).rejects.toThrow(/config\.json\.id2label\[1\] must be a label not listed before \(labels must be unique\); received "neg"/);
    await expect(importHfClassifier(hostileFile('hf-bad-pooling.zip'))).rejects.toThrow(/config\.json\.texttune\.pooling must be an object; received "bogus"/);
    const tensors = tf.memory().numTensors;
    const ok = await importHfClassifier(hostileFile('hf-ok.zip'));
    expect(ok.head.labels).toEqual(['neg', 'neutral', 'pos']);
    ok.encoder.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('unknown extra fields and members pass through untouched; null metrics read back as NaN', async () => {
    const meta = bundleMetadata({ kept: { description: 'n-gram baseline' }, metrics: { accuracy: null, macroF1: 0.5 } });
    const b = await readBundle(bundleZip(meta, headArtifacts()));
    expect((b.metadata as unknown as { kept: unknown }).kept).toEqual({ description: 'n-gram baseline' });
    expect(Number.isNaN(b.metadata.metrics!.accuracy)).toBe(true);
  });
});
