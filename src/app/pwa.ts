// The service worker (built by vite-plugin-pwa, see pwa.config.ts): registration, "works offline"
// and "a new version is ready". Registered from this module, never from an inline script, so the
// CSP (script-src 'self') holds. In `npm run dev` the plugin's register function does nothing.
import { registerSW } from 'virtual:pwa-register';

export interface AppUpdateState {
  /** The browser has service workers (false: the app still runs, but not offline). */
  supported: boolean;
  /** A service worker is active: the app shell, scripts and WASM are cached and open offline. */
  shellCached: boolean;
  /** A new build is installed and waits; acceptUpdate() switches to it. */
  updateReady: boolean;
  /** The new build already controls this tab (accepted in another tab): a plain reload shows it. */
  activated: boolean;
  error: string | null;
}

/** How often an open tab asks the server for a new build (browsers also check on each visit). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

let state: AppUpdateState = {
  supported: typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
  shellCached: false,
  updateReady: false,
  activated: false,
  error: null,
};
const listeners = new Set<() => void>();
let started = false;
let update: ((reload?: boolean) => Promise<void>) | null = null;
let accepting = false;

function set(patch: Partial<AppUpdateState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function getUpdateState(): AppUpdateState {
  return state;
}

export function subscribeUpdateState(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Registers the service worker once per page (StrictMode runs effects twice). */
export function startServiceWorker(): void {
  if (started || !state.supported) return;
  started = true;
  update = registerSW({
    immediate: true,
    onOfflineReady: () => set({ shellCached: true }),
    onNeedRefresh: () => set({ updateReady: true }),
    // The new worker took control. The plugin would reload at once; that is right only when this
    // tab asked for it. Accepted in another tab, this one keeps running (its code is all loaded)
    // and offers the reload like any update, so a training here is never cut off.
    onNeedReload: () => (accepting ? location.reload() : set({ updateReady: true, activated: true })),
    onRegisteredSW: (_url, registration) => {
      if (!registration) return;
      const check = () => {
        if (navigator.onLine && !registration.installing) registration.update().catch(() => undefined);
      };
      setInterval(check, UPDATE_CHECK_MS);
      addEventListener('online', check);
    },
    onRegisterError: (err: unknown) => set({ error: err instanceof Error ? err.message : String(err) }),
  });
  // An active worker means its precache is complete (install fails otherwise).
  navigator.serviceWorker.ready.then(() => set({ shellCached: true }), () => undefined);
}

/** Activates the waiting build; the page reloads once the new worker controls it. */
export async function acceptUpdate(): Promise<void> {
  if (state.activated || !update) return location.reload();
  accepting = true;
  await update(true);
  // Should the waiting worker never take control (it failed, another tab replaced it), reload anyway:
  // the page then shows whichever version is active, and nothing is lost.
  setTimeout(() => location.reload(), 10_000);
}
