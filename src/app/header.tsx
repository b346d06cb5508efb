import type { BackendInfo, StorageEstimate } from '../worker/protocol';
import { formatBytes } from '../components/format';
import type { OfflineState } from './use-offline';
import { version } from '../../package.json';

/** Shown in the header; VITE_BUILD_ID (set at build time) tells two builds of one version apart. */
const APP_VERSION = `v${version}${import.meta.env.VITE_BUILD_ID ? ` (${import.meta.env.VITE_BUILD_ID})` : ''}`;

const EVICTION =
  'Without persistent storage the browser may delete this site’s data when the disk runs low ' +
  '(least recently used sites first): datasets, runs, checkpoints and downloaded encoders would be gone. ' +
  'Export a bundle of the models you want to keep.';

function OfflineBadges({ offline }: { offline: OfflineState }) {
  const { online, update, encoderStored } = offline;
  return (
    <>
      {!online && (
        <span
          className="badge bad"
          data-testid="offline-badge"
          title="No network. Everything stored in this browser keeps working: datasets, runs, the built-in encoder, training, predictions, exports. Downloading Hugging Face models needs the network."
        >
          offline
        </span>
      )}
      {update.shellCached && encoderStored && (
        <span
          className="badge ok"
          data-testid="offline-ready"
          title="The app is cached by its service worker and the built-in encoder is stored in this browser: TextTune opens and trains without a network."
        >
          works offline
        </span>
      )}
    </>
  );
}

function PersistenceBadge({ offline }: { offline: OfflineState }) {
  const { persisted, asked } = offline.persistence;
  if (persisted === null) return null;
  if (persisted) {
    return (
      <span className="badge ok" data-testid="storage-persistence" data-persisted="true" title="The browser will not delete this site’s data to free space; only you can (Delete buttons, or the browser’s site settings).">
        persistent storage
      </span>
    );
  }
  return (
    <span
      className="badge warn"
      data-testid="storage-persistence"
      data-persisted="false"
      title={`${EVICTION} ${asked ? 'The browser did not grant persistent storage (browsers grant it to sites you use often, bookmark or install).' : 'TextTune asks for persistent storage when you save your first dataset.'}`}
    >
      {asked ? 'storage not persistent' : 'storage may be cleared'}
    </span>
  );
}

export function Header({ backend, backendError, storage, offline }: { backend: BackendInfo | null; backendError: string | null; storage: StorageEstimate | null; offline: OfflineState }) {
  const adapter = backend?.adapter;
  return (
    <header className="app-header">
      <h1>TextTune</h1>
      <span className="muted small" data-testid="app-version">
        {APP_VERSION}
      </span>
      <span className="tagline">train text classifiers in your browser; your data never leaves this tab</span>
      <div className="status" aria-live="polite">
        {backendError ? (
          <span className="badge bad" data-testid="backend-error">
            no backend: {backendError}
          </span>
        ) : backend ? (
          <>
            <span className="badge" title={`requested: ${backend.requested}${backend.crossOriginIsolated ? '; cross-origin isolated' : ''}`}>
              <span data-testid="backend-name">{backend.backend}</span>
              {backend.threads != null && <span data-testid="backend-threads">{` · ${backend.threads} ${backend.threads === 1 ? 'thread' : 'threads'}`}</span>}
            </span>
            {adapter && (
              <span className="badge" data-testid="backend-adapter" title={adapter.description || undefined}>
                {adapter.vendor} · {adapter.architecture}
                {adapter.device ? ` · ${adapter.device}` : ''}
              </span>
            )}
          </>
        ) : (
          <span className="badge" data-testid="backend-pending">
            starting…
          </span>
        )}
        <OfflineBadges offline={offline} />
        {storage && (
          <span className="badge muted" data-testid="storage-estimate" title="Space this site uses in the browser (datasets, runs, encoders, cached app files) / what the browser allows it">
            storage {formatBytes(storage.usage)} / {formatBytes(storage.quota)}
          </span>
        )}
        <PersistenceBadge offline={offline} />
      </div>
      {backend?.fellBack && (
        <p className="notice" role="status" data-testid="backend-fallback">
          Running on <strong>{backend.backend}</strong> instead of {backend.requested === 'auto' ? 'WebGPU' : backend.requested}:{' '}
          {backend.fallbackReason}. Training will be slower. Add <code>?backend=wasm</code> (or webgpu, webgl, cpu) to the address to choose.
        </p>
      )}
      {backend?.threadsNote && (
        <p className="notice" role="status" data-testid="threads-fallback">
          {backend.threadsNote}: training uses one core instead of {backend.crossOriginIsolated ? 'several' : 'all of them'}.
        </p>
      )}
    </header>
  );
}
