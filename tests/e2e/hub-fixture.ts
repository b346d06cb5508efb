// The stand-in Hugging Face Hub for e2e specs (hub.spec.ts, hardening.spec.ts): the seeded tiny
// BERT of scripts/gen-tiny-bert.mjs served as owner/tiny-bert (plus owner/pytorch-only, a repo
// without model.safetensors) by tests/support/hub-server.ts, and a `vite preview` of dist/ that
// forwards E2E_HUB_PATH to it (vite.config.ts), so the page reaches it on its own origin and the
// production CSP is untouched. A worker fixture: the tests drive the Hub (drop a connection, stop
// it), so it lives in the test's process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { startFakeHub, type FakeHub } from '../support/hub-server';
import { assert, test as base } from './fixtures';

/** The preview server's path to the fake Hub (E2E_HUB_PATH in vite.config.ts). */
export const E2E_HUB_PATH = '/__e2e-hub';
export const REPO = 'owner/tiny-bert';

function readTree(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

export interface HubApp {
  hub: FakeHub;
  /** A `vite preview` of dist/ that forwards E2E_HUB_PATH to the hub. */
  base: string;
}

export const test = base.extend<object, { hubApp: HubApp }>({
  hubApp: [
    // Playwright reads a fixture's dependencies from its first parameter, which must be an object
    // pattern: this one depends on no other fixture.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'tiny-bert-e2e-'));
      let hub: FakeHub | undefined;
      let server: PreviewServer | undefined;
      try {
        execFileSync(process.execPath, ['scripts/gen-tiny-bert.mjs', dir, '1']);
        const { 'model.fp16.safetensors': _fp16, ...tinyFiles } = readTree(dir);
        hub = await startFakeHub();
        hub.repos.set(REPO, { files: tinyFiles });
        hub.repos.set('owner/pytorch-only', { files: { 'config.json': tinyFiles['config.json']!, 'vocab.txt': tinyFiles['vocab.txt']!, 'pytorch_model.bin': new Uint8Array(16) } });
        // vite.config.ts reads TEXTTUNE_E2E_HUB when the server loads it, to add the forwarder.
        process.env.TEXTTUNE_E2E_HUB = hub.baseUrl;
        server = await preview({ preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
        const url = server.resolvedUrls?.local[0];
        assert(url, 'the hub preview server has a URL');
        await use({ hub, base: url.replace(/\/$/, '') });
      } finally {
        delete process.env.TEXTTUNE_E2E_HUB;
        await server?.close();
        await hub?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
});
