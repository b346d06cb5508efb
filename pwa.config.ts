// The service worker and web app manifest (vite-plugin-pwa, Workbox generateSW). Kept out of
// vite.config.ts so that file only gains one plugin entry.
//
// What the service worker precaches: the app shell (index.html), every built JS/CSS chunk (the
// engine worker included), the tfjs .wasm binaries, the icons, the manifest and the sample CSV —
// everything the app needs to open and run with no network. What it does NOT cache: the built-in
// encoder's files (public/models/use-lite/, ~28 MB). The app already keeps those in IndexedDB
// after one download (src/worker/encoders.ts) and fetches them there in the background on the first
// visit (app.tsx), so a second copy in Cache Storage would only double the space used.
import { VitePWA } from 'vite-plugin-pwa';

export const THEME_COLOR = '#2f5d8a';

export function pwa() {
  return VitePWA({
    // Updates wait for the user (src/app/pwa.ts shows "A new version is ready — Reload" and holds it
    // while a training runs); nothing reloads the page by itself.
    registerType: 'prompt',
    // Registered from a module of the app bundle (src/app/pwa.ts): the CSP allows no inline script.
    injectRegister: false,
    manifest: {
      name: 'TextTune — train text classifiers in your browser',
      short_name: 'TextTune',
      description: 'Train text classifiers in your browser. Your data never leaves the tab; works offline.',
      start_url: '.',
      scope: '.',
      display: 'standalone',
      background_color: '#f6f7f9',
      theme_color: THEME_COLOR,
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      ],
    },
    includeManifestIcons: false,
    workbox: {
      // (The manifest and its icons are added by the plugin itself.)
      globPatterns: ['**/*.{html,js,css,wasm,svg,png,csv}'],
      globIgnores: ['models/**'],
      // The main chunk (React + tfjs) and the engine worker (tfjs with its backends) are several MB each.
      maximumFileSizeToCacheInBytes: 24 * 1024 * 1024,
      // Any in-app address (?backend=wasm, #train) opens the cached shell when offline.
      navigateFallback: 'index.html',
      // The e2e Hub stand-in and the encoder files are never pages.
      navigateFallbackDenylist: [/^\/__e2e-hub/, /^\/models\//],
      // After "Reload" the new worker takes over the open tabs (the page then reloads itself
      // only when no training runs there: src/app/pwa.ts).
      clientsClaim: true,
      cleanupOutdatedCaches: true,
    },
  });
}
