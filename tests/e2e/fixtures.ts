// The fixtures every spec uses: `env` gives the app's base URL and browser contexts that record
// every request and every page problem (CSP violation, uncaught error). When a test ends, its
// contexts are closed and the test fails if any page had a problem or any request left
// 127.0.0.1: the privacy guarantee is checked by every test, not by one at the end.
// Specs import { test, assert } from here instead of '@playwright/test'.
// From the old harness: `test(name, async (env) => …, ms)` becomes
// `test(name, async ({ env }) => { test.setTimeout(ms); … })`; `env.base`, `env.newContext(label)`,
// `env.requests` and `env.pageProblems` are unchanged; a value one test hands to the next
// (`env.shared`) becomes a variable inside a `test.describe.serial` group.
import { test as base, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test';

export { expect } from '@playwright/test';
export type { Browser, BrowserContext, Download, Locator, Page } from '@playwright/test';

export interface RecordedRequest {
  url: string;
  /** The label of the context that made it. */
  context: string;
}

/** Requests and page problems of the contexts it tracks. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  readonly pageProblems: string[] = [];

  track(ctx: BrowserContext, label: string): void {
    ctx.on('request', (r: Request) => this.requests.push({ url: r.url(), context: label }));
    for (const page of ctx.pages()) this.watchPage(page, label);
    ctx.on('page', (page: Page) => this.watchPage(page, label));
  }

  /** Requests that left 127.0.0.1 (test servers all listen there; blob: and data: stay in the page). */
  outside(): RecordedRequest[] {
    return this.requests.filter((r) => !/^(blob|data):/.test(r.url) && new URL(r.url).hostname !== '127.0.0.1');
  }

  /** Throws when a tracked page had a problem or a request left 127.0.0.1. */
  assertClean(): void {
    const outside = this.outside();
    assert(outside.length === 0, `requests left 127.0.0.1: ${outside.map((r) => `${r.context}: ${r.url}`).join(', ')}`);
    assert(this.pageProblems.length === 0, `page problems: ${this.pageProblems.join(' | ')}`);
  }

  private watchPage(page: Page, label: string): void {
    page.on('console', (msg) => {
      const text = msg.text();
      if (process.env.E2E_VERBOSE) console.log(`    [${label} console.${msg.type()}] ${text}`);
      if (/Content Security Policy|Refused to/i.test(text)) this.pageProblems.push(`${label}: ${text}`);
    });
    page.on('pageerror', (err) => this.pageProblems.push(`${label}: uncaught ${err.message}`));
    page.on('worker', (w) => {
      w.on('console', (msg) => {
        if (process.env.E2E_VERBOSE) console.log(`    [${label} worker.${msg.type()}] ${msg.text()}`);
      });
    });
  }
}

export interface Env extends Recorder {
  /** The built app served by `vite preview`, e.g. http://127.0.0.1:41234 (no trailing slash). */
  base: string;
  browser: Browser;
  /** A fresh browser profile (own IndexedDB) whose requests and page problems are recorded. */
  newContext(label: string): Promise<BrowserContext>;
}

class TestEnv extends Recorder implements Env {
  readonly contexts: BrowserContext[] = [];
  constructor(
    readonly base: string,
    readonly browser: Browser,
  ) {
    super();
  }
  async newContext(label: string): Promise<BrowserContext> {
    // Options (viewport, downloads, tracing) come from playwright.config.ts's `use`.
    const ctx = await this.browser.newContext();
    this.contexts.push(ctx);
    this.track(ctx, label);
    return ctx;
  }
}

/** The app's base URL from the config's `use.baseURL`, without a trailing slash. */
export function appBase(baseURL: string | undefined): string {
  assert(baseURL, 'playwright.config.ts sets use.baseURL');
  return baseURL.replace(/\/$/, '');
}

export const test = base.extend<{ env: Env }>({
  env: async ({ browser, baseURL }, use) => {
    const env = new TestEnv(appBase(baseURL), browser);
    await use(env);
    // Closed here (not left to the worker) so the next test starts from fresh profiles.
    for (const c of env.contexts.splice(0)) await c.close().catch(() => undefined);
    env.assertClean();
  },
});

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
