// hf-hub.ts against a local node:http stand-in for the Hub serving the generated tiny BERT.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBert } from '../../src/core/encoders/bert';
import { parseModelRef } from '../../src/core/encoders/registry';
import { fetchHubModel, HubError, resolveUrl } from '../../src/core/hub/hf-hub';
import type { DownloadProgress } from '../../src/core/hub/download';
import { startFakeHub, type FakeHub } from '../support/hub-server';
import { tinyFile } from '../support/tiny-bert';

let hub: FakeHub;
const TINY_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt', 'modules.json', '1_Pooling/config.json', 'model.safetensors', 'README.md'];

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  hub = await startFakeHub();
  const files = Object.fromEntries(TINY_FILES.map((f) => [f, f === 'README.md' ? new TextEncoder().encode('# tiny') : tinyFile(f)]));
  hub.repos.set('test/tiny-bert', { files });
  const { ['model.safetensors']: _weights, ...noWeights } = files;
  hub.repos.set('test/no-safetensors', { files: { ...noWeights, 'pytorch_model.bin': new Uint8Array(16) } });
  hub.repos.set('test/private', { files, private: true });
  hub.repos.set('test/roberta', { files: { ...files, 'config.json': new TextEncoder().encode(JSON.stringify({ model_type: 'roberta' })) } });
  const { ['tokenizer.json']: _tok, ...vocabOnly } = files;
  hub.repos.set('test/vocab-only', { files: vocabOnly });
});
afterAll(async () => {
  await hub.close();
});

const opts = () => ({ baseUrl: hub.baseUrl, retryDelayMs: 1 });

describe('fetchHubModel from a local stand-in for the Hub', () => {
  it('downloads config, tokenizer, pooling and weights with progress and sha256; the encoder loads from them', async () => {
    const progress: DownloadProgress[] = [];
    const got = await fetchHubModel(parseModelRef('test/tiny-bert'), { ...opts(), onProgress: (p) => progress.push(p) });
    expect(Object.keys(got.raw).sort()).toEqual(['1_Pooling/config.json', 'config.json', 'model.safetensors', 'modules.json', 'tokenizer.json']);
    expect(got.sha256['model.safetensors']).toBe(createHash('sha256').update(tinyFile('model.safetensors')).digest('hex'));
    expect(got.pooling).toEqual({ mode: 'mean', normalize: false });
    const last = progress.at(-1)!;
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBe(Object.values(got.raw).reduce((n, b) => n + b.byteLength, 0));
    expect(progress.filter((p) => p.file === 'model.safetensors').length).toBeGreaterThan(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i].loaded).toBeGreaterThanOrEqual(progress[i - 1].loaded);
    const encoder = await loadBert(got);
    expect((await encoder.embedTexts(['the movie was great'])).length).toBe(32);
    encoder.dispose();
  });

  it('resumes a connection dropped mid-file with an HTTP Range request', async () => {
    hub.dropAfter.set('model.safetensors', 50_000);
    hub.log.length = 0;
    const got = await fetchHubModel(parseModelRef('test/tiny-bert@main'), opts());
    expect(got.safetensors).toEqual(tinyFile('model.safetensors'));
    const weightRequests = hub.log.filter((r) => r.url.endsWith('model.safetensors'));
    expect(weightRequests.map((r) => [r.status, r.range])).toEqual([[200, undefined], [206, 'bytes=50000-']]);
  });

  it('falls back to vocab.txt + tokenizer_config.json', async () => {
    const got = await fetchHubModel(parseModelRef('test/vocab-only'), opts());
    expect(got.tokenizerJson).toBeUndefined();
    expect(got.vocab?.split('\n')[2]).toBe('[CLS]');
    const encoder = await loadBert(got);
    expect(encoder.tokenizer.encode('the end').tokens).toEqual(['[CLS]', 'the', 'end', '[SEP]']);
    encoder.dispose();
  });

  it('typed errors: 404, 401, no safetensors (listing the files), unknown architecture, storage, network', async () => {
    await expect(fetchHubModel(parseModelRef('test/missing'), opts())).rejects.toMatchObject({ name: 'HubError', code: 'not-found', status: 404 });
    await expect(fetchHubModel(parseModelRef('test/private'), opts())).rejects.toMatchObject({ code: 'unauthorized', message: expect.stringContaining('private or gated') });
    const noWeights = await fetchHubModel(parseModelRef('test/no-safetensors'), opts()).catch((e: HubError) => e);
    expect(noWeights).toMatchObject({ code: 'no-safetensors', message: expect.stringMatching(/has no model.safetensors \(only PyTorch .bin weights.*\); its files: .*pytorch_model.bin/) });
    expect((noWeights as HubError).files).toContain('config.json');
    await expect(fetchHubModel(parseModelRef('test/roberta'), opts())).rejects.toMatchObject({ code: 'unknown-architecture', message: expect.stringContaining('"roberta"') });
    await expect(fetchHubModel(parseModelRef('test/tiny-bert'), { ...opts(), estimate: async () => ({ quota: 100_000, usage: 50_000 }) })).rejects.toMatchObject({
      code: 'insufficient-storage', message: expect.stringMatching(/test\/tiny-bert needs [\d.]+ MB of storage; [\d.]+ MB is free/),
    });
    await expect(fetchHubModel(parseModelRef('test/tiny-bert'), { baseUrl: 'http://127.0.0.1:9', retries: 0 })).rejects.toMatchObject({ code: 'network' });
  });

  it('builds Hub URLs with the revision and path encoded', () => {
    expect(resolveUrl(parseModelRef('BAAI/bge-small-en-v1.5@refs/pr/3'), '1_Pooling/config.json')).toBe('https://huggingface.co/BAAI/bge-small-en-v1.5/resolve/refs%2Fpr%2F3/1_Pooling/config.json');
  });
});
