// A small e2e harness on playwright-core: serves the built app with `vite preview`,
// drives Debian Chromium, runs tests one after another and prints a summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

import { e2eConfig } from '../../playwright.config';

export interface Env {
  base: string;
  browser: Browser;
  /** Every request any page made, for the privacy test. */
  requests: { url: string; context: string }[];
  /** Problems seen on any page: CSP violations, uncaught errors. */
  pageProblems: string[];
  newContext(label: string): Promise<BrowserContext>;
  /** Records requests and page problems of a context made by hand (newContext does it itself). */
  track(ctx: BrowserContext, label: string): void;
  shared: Record<string, unknown>;
}

export interface TestCase {
  name: string;
  timeoutMs: number;
  fn(env: Env): Promise<void>;
}

const tests: TestCase[] = [];
export function test(name: string, fn: (env: Env) => Promise<void>, timeoutMs: number = e2eConfig.testTimeoutMs): void {
  tests.push({ name, fn, timeoutMs });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startPreview(): Promise<{ base: string; proc: ChildProcess }> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `vite build` first (npm run test:e2e does)');
  const port = await freePort();
  const proc = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`vite preview exited: ${log}`);
    try {
      const res = await fetch(base);
      if (res.ok) return { base, proc };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  proc.kill();
  throw new Error(`vite preview did not start within 30 s: ${log}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms);
    }),
  ]).catch((err: Error) => {
    throw Object.assign(err, { message: `${name}: ${err.message}` });
  });
}

export async function runAll(filter?: string): Promise<number> {
  const selected = tests.filter((t) => !filter || t.name.includes(filter));
  const started = Date.now();
  const { base, proc } = await startPreview();
  const browser = await chromium.launch({ executablePath: e2eConfig.executablePath, headless: e2eConfig.headless, args: [...e2eConfig.args] });
  const contexts: BrowserContext[] = [];
  const env: Env = {
    base,
    browser,
    requests: [],
    pageProblems: [],
    shared: {},
    async newContext(label) {
      const ctx = await browser.newContext({ acceptDownloads: true, viewport: e2eConfig.viewport });
      contexts.push(ctx);
      env.track(ctx, label);
      return ctx;
    },
    track(ctx, label) {
      ctx.on('request', (r: Request) => env.requests.push({ url: r.url(), context: label }));
      ctx.on('page', (page: Page) => watchPage(page, label, env));
    },
  };
  let passed = 0;
  let failed = 0;
  try {
    for (const t of selected) {
      const t0 = Date.now();
      try {
        await withTimeout(t.fn(env), t.timeoutMs, t.name);
        passed++;
        console.log(`  ✓ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed++;
        console.log(`  ✗ ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String((err as Error).stack ?? err).split('\n').slice(0, 6).join('\n    ')}`);
      }
      // Each test starts from fresh profiles unless it shares state on purpose (env.shared).
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    }
  } finally {
    await browser.close().catch(() => undefined);
    proc.kill();
  }
  console.log(`\ne2e finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed;
}

function watchPage(page: Page, label: string, env: Env): void {
  page.on('console', (msg) => {
    const text = msg.text();
    if (process.env.E2E_VERBOSE) console.log(`    [${label} console.${msg.type()}] ${text}`);
    if (/Content Security Policy|Refused to/i.test(text)) env.pageProblems.push(`${label}: ${text}`);
  });
  page.on('pageerror', (err) => env.pageProblems.push(`${label}: uncaught ${err.message}`));
  page.on('worker', (w) => {
    w.on('console', (msg) => {
      if (process.env.E2E_VERBOSE) console.log(`    [${label} worker.${msg.type()}] ${msg.text()}`);
    });
  });
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
