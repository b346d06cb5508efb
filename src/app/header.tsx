import type { BackendInfo, StorageEstimate } from '../worker/protocol';
import { formatBytes } from '../components/format';

export function Header({ backend, backendError, storage, persisted }: { backend: BackendInfo | null; backendError: string | null; storage: StorageEstimate | null; persisted: boolean | null }) {
  const adapter = backend?.adapter;
  return (
    <header className="app-header">
      <h1>TextTune</h1>
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
        {storage && (
          <span className="badge muted" data-testid="storage-estimate" title={persisted ? 'persistent storage granted' : 'storage may be cleared by the browser under pressure'}>
            storage {formatBytes(storage.usage)} / {formatBytes(storage.quota)}
            {persisted ? ' · persistent' : ''}
          </span>
        )}
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
