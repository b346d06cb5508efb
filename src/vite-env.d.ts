/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />

interface ImportMetaEnv {
  /** Optional build label shown next to the version (tells two builds of one version apart). */
  readonly VITE_BUILD_ID?: string;
}
