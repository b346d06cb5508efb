// The smoke version of `npm run bench:quality`: the same script on a few dozen IMDB reviews cut to
// 32 tokens, checking it runs end to end and ends with the promised JSON line.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('bench:quality (smoke)', () => {
  it('trains every candidate (baseline, head, hybrid, blend, kept, top-1, all layers) and prints the JSON summary', () => {
    const out = execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/quality.ts', '--train', '40', '--test', '24', '--sizes', 'all', '--epochs', '1', '--max-len', '32'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    );
    const last = out.trim().split('\n').pop()!;
    const result = JSON.parse(last);
    expect(result).toMatchObject({ dataset: 'imdb', pool: 40, test: 24, backend: 'wasm' });
    const size = result.sizes['40'];
    // A blend whose weight came out 0 or 1 is one of its parts and is not offered (nor scored).
    for (const key of ['baseline', 'headOnly', 'hybrid', 'kept', 'top1', 'all', ...(size.blend ? ['blend'] : [])]) {
      expect(size[key].acc, key).toBeGreaterThanOrEqual(0);
      expect(size[key].acc, key).toBeLessThanOrEqual(1);
      expect(size[key].macroF1, key).toBeGreaterThanOrEqual(0);
      expect(size[key].seconds, key).toBeGreaterThanOrEqual(0);
    }
    expect(['baseline', 'encoder', 'hybrid', 'blend']).toContain(size.keptKinds[0]);
  });

  it('--fewshot: baseline, frozen and contrastive per size and seed, and the promised JSON line', () => {
    const out = execFileSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/quality.ts', '--train', '40', '--test', '24', '--fewshot', '3,5', '--seeds', '2', '--max-pairs', '8', '--batch', '4', '--tokens', '16', '--plot', 'bench/out/fewshot-smoke.svg'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    );
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({ dataset: 'imdb', test: 24, backend: 'wasm' });
    expect(Object.keys(result.fewshot)).toEqual(['3', '5']);
    for (const n of ['3', '5']) {
      for (const key of ['baseline', 'frozen', 'contrastive']) {
        const s = result.fewshot[n][key];
        expect(s.runs, `${n} ${key}`).toBe(2);
        for (const f of ['acc', 'macroF1', 'sd']) expect(s[f], `${n} ${key} ${f}`).toBeGreaterThanOrEqual(0);
        expect(s.acc).toBeLessThanOrEqual(1);
      }
      for (const run of result.runs[n]) expect(run).toMatchObject({ pairs: 8, steps: 2 });
    }
  });
});
