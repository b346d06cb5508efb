// Failing networks against the local stand-in Hub (issue 9): a stalled body, a file larger than
// listed, a 206 that starts elsewhere, an HTML page instead of JSON, a Cancel mid-file, a model
// too large for a tab. Each ends with a clear HubError in bounded time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelRef } from '../../src/core/encoders/registry';
import { fetchHubModel, HubError } from '../../src/core/hub/hf-hub';
import { startFakeHub, type FakeHub } from '../support/hub-server';
import { tinyFile } from '../support/tiny-bert';

let hub: FakeHub;
const FILES = ['config.json', 'tokenizer.json', 'modules.json', '1_Pooling/config.json', 'model.safetensors'];

beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('test/tiny-bert', { files: Object.fromEntries(FILES.map((f) => [f, tinyFile(f)])) });
});
afterAll(async () => {
  await hub.close();
});

const opts = (extra = {}) => ({ baseUrl: hub.baseUrl, retryDelayMs: 1, ...extra });
const ref = parseModelRef('test/tiny-bert');

async function failure(p: Promise<unknown>): Promise<{ err: HubError; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (err) {
    return { err: err as HubError, ms: performance.now() - t0 };
  }
  throw new Error('expected a failure');
}

describe('hostile Hub answers', () => {
  it('a body that stalls is abandoned after the idle timeout, naming the byte', async () => {
    hub.stallAfter.set('model.safetensors', 10_000);
    const { err, ms } = await failure(fetchHubModel(ref, opts({ idleTimeoutMs: 300 })));
    expect(err).toMatchObject({ name: 'HubError', code: 'network' });
    expect(err.message).toMatch(/model\.safetensors: no data arrived for 0 s after byte 10000; the download was stopped/);
    expect(ms).toBeLessThan(3_000);
  });

  it('a file listed at 1,000 B is abandoned as soon as byte 1,001 arrives', async () => {
    hub.listedSize.set('model.safetensors', 1_000);
    const seen: number[] = [];
    const { err } = await failure(fetchHubModel(ref, opts({ onProgress: (p: { loaded: number }) => seen.push(p.loaded) })));
    hub.listedSize.clear();
    expect(err).toMatchObject({ code: 'integrity', message: expect.stringMatching(/more bytes arrived than the 1000 the repo lists; the download was stopped/) });
    const weightsStart = tinyFile('config.json').byteLength;
    expect(Math.max(...seen)).toBeLessThan(weightsStart + 300_000);
  });

  it('a model larger than the cap is refused before any byte of it is fetched', async () => {
    hub.log.length = 0;
    const { err } = await failure(fetchHubModel(ref, opts({ maxFileBytes: tinyFile('model.safetensors').byteLength - 1 })));
    expect(err.message).toMatch(/^test\/tiny-bert: model\.safetensors is [\d.]+ MB; TextTune loads models up to [\d.]+ MB in a browser tab/);
    expect(hub.log.some((r) => r.url.endsWith('model.safetensors'))).toBe(false);
  });

  it('a 206 whose Content-Range starts elsewhere is not trusted: the file starts over and arrives intact', async () => {
    hub.dropAfter.set('model.safetensors', 50_000);
    hub.badRange.add('model.safetensors');
    hub.log.length = 0;
    const got = await fetchHubModel(ref, opts());
    hub.badRange.clear();
    expect(got.safetensors).toEqual(tinyFile('model.safetensors'));
    const weights = hub.log.filter((r) => r.url.endsWith('model.safetensors')).map((r) => [r.status, r.range]);
    expect(weights).toEqual([[200, undefined], [206, 'bytes=50000-'], [200, undefined]]);
  });

  it('an HTML page with status 200 instead of the file list is explained, not a SyntaxError', async () => {
    hub.htmlApi.add('test/tiny-bert');
    const { err } = await failure(fetchHubModel(ref, opts()));
    hub.htmlApi.clear();
    expect(err).toMatchObject({ name: 'HubError', code: 'http' });
    expect(err.message).toMatch(/answered with a web page instead of JSON \("<!doctype html><html><head><title>Sign in to the Wi-Fi/);
  });

  it('Cancel (the signal) ends a stalled download at once', async () => {
    hub.stallAfter.set('model.safetensors', 10_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const { err, ms } = await failure(fetchHubModel(ref, opts({ signal: controller.signal })));
    expect(err).toMatchObject({ code: 'aborted', message: expect.stringMatching(/was cancelled/) });
    expect(ms).toBeLessThan(2_000);
  });
});
