// Encoder ids, Hub errors as protocol errors, and BERT encoders rebuilt from cached files.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ENCODER_PRESETS } from '../../src/core/encoders/registry';
import { USE_LITE_ID } from '../../src/core/encoders/use-lite';
import { HubError } from '../../src/core/hub/hf-hub';
import { EngineError } from '../../src/worker/errors';
import { TEXTTUNE_FILE, bertFromRecords, encoderSpec, hubError, importEncoderId, parseEncoderId, toRecords } from '../../src/worker/hub-encoders';
import { tinyFile } from '../support/tiny-bert';

describe('encoder ids', () => {
  it('the registry spells USE-lite as use-lite.ts does', () => {
    expect(ENCODER_PRESETS[0]!.id).toBe(USE_LITE_ID);
  });

  it('accepts USE-lite, Hub refs and imported encoders; names anything else', () => {
    expect(encoderSpec('use-lite')).toEqual({ kind: 'use-lite' });
    expect(encoderSpec('hf:BAAI/bge-small-en-v1.5@main')).toMatchObject({ kind: 'hub', ref: { repo: 'BAAI/bge-small-en-v1.5', revision: 'main' } });
    expect(encoderSpec('hf:prajjwal1/bert-tiny@refs/pr/3')).toMatchObject({ kind: 'hub', ref: { revision: 'refs/pr/3' } });
    expect(encoderSpec(importEncoderId('ab'.repeat(32)))).toEqual({ kind: 'import', hash: 'ab'.repeat(16) });
    for (const bad of ['bert', 'hf:no-slash', 'hf:a/b', 'hf-import:xyz', '']) {
      expect(() => parseEncoderId(bad)).toThrow(bad === 'hf:a/b' ? /"hf:a\/b"/ : /does not know/);
    }
  });

  it('maps every Hub error onto a protocol code, keeping the message', () => {
    const cases: [HubError['code'], string][] = [
      ['unauthorized', 'HUB_UNAUTHORIZED'], ['not-found', 'HUB_NOT_FOUND'], ['network', 'HUB_NETWORK'],
      ['no-safetensors', 'HUB_UNSUPPORTED'], ['unknown-architecture', 'HUB_UNSUPPORTED'], ['insufficient-storage', 'QUOTA_EXCEEDED'], ['integrity', 'HUB_INTEGRITY'],
    ];
    for (const [code, expected] of cases) {
      const e = hubError(new HubError(code, `message ${code}`)) as EngineError;
      expect(e).toBeInstanceOf(EngineError);
      expect([e.code, e.message]).toEqual([expected, `message ${code}`]);
    }
  });
});

describe('bertFromRecords', () => {
  const files = (extra: Record<string, Uint8Array> = {}) => {
    const raw: Record<string, Uint8Array> = {
      'config.json': tinyFile('config.json'),
      'tokenizer.json': tinyFile('tokenizer.json'),
      'modules.json': tinyFile('modules.json'),
      '1_Pooling/config.json': tinyFile('1_Pooling/config.json'),
      'model.safetensors': tinyFile('model.safetensors'),
      ...extra,
    };
    return toRecords('hf:owner/tiny@main', 'main', raw, Object.fromEntries(Object.keys(raw).map((k) => [k, 'x'])));
  };

  it('pools as the sentence-transformers files say, or as texttune.json overrides; leaks nothing', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const hub = await bertFromRecords('hf:owner/tiny@main', files());
    expect([hub.id, hub.pooling.mode, hub.dim]).toEqual(['hf:owner/tiny@main', 'mean', 32]);
    const ours = new TextEncoder().encode(JSON.stringify({ pooling: { mode: 'cls', normalize: true }, maxSeqLength: 16 }));
    const imported = await bertFromRecords(importEncoderId('a'.repeat(32)), files({ [TEXTTUNE_FILE]: ours }));
    expect([imported.pooling, imported.maxSeqLength]).toEqual([{ mode: 'cls', normalize: true }, 16]);
    expect(imported.weightsHash).toBe(hub.weightsHash);
    hub.dispose();
    imported.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
