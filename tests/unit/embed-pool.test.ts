// The parallel embedding pool with in-process fake workers: order, progress, stop, a failing or
// crashing worker (the engine finishes the job), warm-up and idle shutdown.
import { describe, expect, it } from 'vitest';
import { CHARS_PER_WINDOW, EmbedPool, POOL_MIN_TEXTS, sliceByWork, type PoolJob, type PoolPort, type PoolReply } from '../../src/worker/embed-pool';

const DIM = 3;
/** What an encoder would give a text: deterministic, different per text. */
const vec = (t: string) => [t.length, t.charCodeAt(0) || 0, t.charCodeAt(t.length - 1) || 0];
const embedAll = (texts: string[]) => Float32Array.from(texts.flatMap(vec));

class FakePort implements PoolPort {
  onmessage: ((e: { data: PoolReply }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  jobs: PoolJob[] = [];
  terminated = false;
  constructor(private readonly behave: (job: PoolJob, n: number) => 'ok' | 'refuse' | 'crash' = () => 'ok') {}
  postMessage(job: PoolJob): void {
    this.jobs.push(job);
    const how = this.behave(job, this.jobs.length);
    setTimeout(() => {
      if (this.terminated) return;
      if (how === 'crash') this.onerror?.(new Error('boom'));
      else if (how === 'refuse') this.onmessage?.({ data: { id: job.id, ok: false, message: 'weights differ' } });
      else this.onmessage?.({ data: { id: job.id, ok: true, vectors: embedAll(job.texts) } });
    }, 1);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const target = { encoderId: 'use-lite', revision: 'r1', weightsHash: 'h1', dim: DIM };
const texts = Array.from({ length: 200 }, (_, i) => `text ${'x'.repeat(i % 37)} ${i}`);

function pool(behaviours: ((job: PoolJob, n: number) => 'ok' | 'refuse' | 'crash')[], idleMs = 60_000) {
  const ports: FakePort[] = [];
  const broken: string[] = [];
  let i = 0;
  const p = new EmbedPool(behaviours.length, () => {
    const port = new FakePort(behaviours[i++ % behaviours.length]);
    ports.push(port);
    return port;
  }, (why) => broken.push(why), idleMs);
  return { p, ports, broken };
}

describe('EmbedPool', () => {
  it('spreads the texts over every worker and puts each vector back in its row; progress climbs to n', async () => {
    const { p, ports } = pool([() => 'ok', () => 'ok']);
    const seen: number[] = [];
    let localCalls = 0;
    const out = await p.embed(target, texts, { batchSize: 32, onProgress: (d) => seen.push(d) }, async (t) => (localCalls++, embedAll(t)));
    expect(out).toEqual(embedAll(texts));
    expect(ports).toHaveLength(2);
    expect(ports.every((port) => port.jobs.length >= 2)).toBe(true);
    expect(ports.flatMap((port) => port.jobs.map((j) => j.weightsHash))).toEqual(expect.arrayContaining(['h1']));
    expect(localCalls).toBe(0);
    expect(seen.at(-1)).toBe(texts.length);
    expect(seen.every((d, k) => k === 0 || d > seen[k - 1]!)).toBe(true);
    p.dispose();
  });

  it.each(['refuse', 'crash'] as const)('when a worker %ss, the engine embeds what is left, the result is whole, and the pool is off from then on', async (how) => {
    const { p, ports, broken } = pool([(_, n) => (n === 2 ? how : 'ok'), () => 'ok']);
    let localTexts = 0;
    const out = await p.embed(target, texts, { batchSize: 16 }, async (t) => ((localTexts += t.length), embedAll(t)));
    expect(out).toEqual(embedAll(texts));
    expect(localTexts).toBeGreaterThan(0);
    expect(broken).toHaveLength(1);
    expect(p.worthIt(1_000)).toBe(false);
    expect(ports.every((port) => port.terminated)).toBe(true);
  });

  it('stops sending when progress throws (Stop), and rejects with that error', async () => {
    const { p, ports } = pool([() => 'ok', () => 'ok']);
    const stop = new Error('stopped by the user');
    let calls = 0;
    await expect(
      p.embed(target, texts, { batchSize: 8, onProgress: () => {
        if (++calls === 2) throw stop;
      } }, async (t) => embedAll(t)),
    ).rejects.toBe(stop);
    const sent = ports.reduce((s, port) => s + port.jobs.length, 0);
    // Two answered before the stop, at most one more in flight per worker: far fewer than all slices.
    expect(sent).toBeLessThanOrEqual(2 + ports.length);
    p.dispose();
  });

  it('is worth it only for bulk requests on more than one worker', () => {
    expect(pool([() => 'ok', () => 'ok']).p.worthIt(POOL_MIN_TEXTS)).toBe(true);
    expect(pool([() => 'ok', () => 'ok']).p.worthIt(POOL_MIN_TEXTS - 1)).toBe(false);
    expect(pool([() => 'ok']).p.worthIt(10_000)).toBe(false);
  });

  it('warms every worker up, and ends them after being idle', async () => {
    const { p, ports } = pool([() => 'ok', () => 'ok', () => 'ok'], 20);
    expect(await p.warmUp(target)).toBe(true);
    expect(ports).toHaveLength(3);
    expect(ports.every((port) => port.jobs.length === 1 && !port.terminated)).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(ports.every((port) => port.terminated)).toBe(true);
  });
});

describe('sliceByWork: slices of about one batch of full windows, so Stop is seen within one', () => {
  const long = 'word '.repeat(4_000); // 20,000 characters: ~33 windows, 16 when read whole
  const short = 'a short review';
  const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('short texts: up to maxTexts per slice, every row once, in order', () => {
    const texts = Array.from({ length: 300 }, () => short);
    const slices = sliceByWork(rows(300), texts, 128, 64);
    expect(slices.map((s) => s.length)).toEqual([128, 128, 44]);
    expect(slices.flat()).toEqual(rows(300));
  });

  it('long texts read whole (16 windows each): 4 per slice at batch 64, not 128', () => {
    const texts = Array.from({ length: 128 }, () => long);
    const slices = sliceByWork(rows(128), texts, 128, 64, { policy: 'chunk', maxWindows: 16 });
    expect(slices).toHaveLength(32);
    expect(slices.every((s) => s.length === 4)).toBe(true);
    // Each slice is at most one batch of full windows.
    for (const s of slices) expect(s.reduce((c, r) => c + Math.min(texts[r]!.length, 16 * CHARS_PER_WINDOW), 0)).toBeLessThanOrEqual(64 * CHARS_PER_WINDOW);
  });

  it('long texts cut to their first window count one window each; a text bigger than the budget is a slice alone', () => {
    const texts = Array.from({ length: 130 }, () => long);
    expect(sliceByWork(rows(130), texts, 128, 64, { policy: 'truncate', maxWindows: 1 }).map((s) => s.length)).toEqual([64, 64, 2]);
    expect(sliceByWork(rows(3), [long, long, long], 128, 2, { policy: 'chunk', maxWindows: 16 }).map((s) => s.length)).toEqual([1, 1, 1]);
  });
});

describe('EmbedPool in a browser without nested workers', () => {
  it('embeds everything on the engine when a worker cannot even start, and turns itself off', async () => {
    const broken: string[] = [];
    const p = new EmbedPool(2, () => {
      throw new Error('Worker is not defined');
    }, (why) => broken.push(why));
    let localTexts = 0;
    const out = await p.embed(target, texts, { batchSize: 32 }, async (t) => ((localTexts += t.length), embedAll(t)));
    expect(out).toEqual(embedAll(texts));
    expect(localTexts).toBe(texts.length);
    expect(broken[0]).toMatch(/could not start: Worker is not defined/);
    expect(await p.warmUp(target)).toBe(false);
  });
});
