// The app shell: the worker client, the backend badge, and the tabs. Features never import
// each other; what they share (selected dataset, run, encoder) lives here and goes down as props.
import { useCallback, useEffect, useState } from 'react';
import { createWorkerClient, type EngineClient } from '../worker/client';
import type { BackendInfo, BackendRequest, EncoderId, StorageEstimate } from '../worker/protocol';
import { EngineProvider } from './engine-context';
import { Header } from './header';
import { DatasetsPage } from '../features/datasets/datasets-page';
import { PerformancePanel } from '../features/performance/performance-panel';
import { EncoderPanel } from '../features/models/encoder-panel';
import { TrainingPage } from '../features/training/training-page';
import { PlaygroundPage } from '../features/playground/playground-page';
import { ExportPage } from '../features/export/export-page';
import { errorText } from '../components/format';
import { ActivityClient } from './activity';
import { useOfflineState } from './use-offline';
import { UpdateBanner } from './update-banner';
import { PageErrorBoundary } from '../components/error-boundary';

const TABS = [
  { id: 'datasets', title: 'Datasets' },
  { id: 'train', title: 'Train' },
  { id: 'playground', title: 'Playground' },
  { id: 'export', title: 'Export / import' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function tabFromHash(): TabId {
  const h = location.hash.replace(/^#\/?/, '');
  return TABS.some((t) => t.id === h) ? (h as TabId) : 'datasets';
}

function backendFromUrl(): BackendRequest {
  const b = new URLSearchParams(location.search).get('backend');
  return b === 'webgpu' || b === 'wasm' || b === 'webgl' || b === 'cpu' ? b : 'auto';
}

/**
 * `?hub=/some/path` points Hub downloads at a stand-in on this same origin (the e2e tests' fake
 * Hub behind the preview server). Only same-origin paths are honoured: the CSP lets the app
 * reach nothing but this origin and huggingface.co, so production's policy stays as strict.
 */
function hubBaseFromUrl(): string | null {
  const h = new URLSearchParams(location.search).get('hub');
  if (!h || !h.startsWith('/') || h.startsWith('//') || h.includes('\\')) return null;
  const url = new URL(h, location.origin);
  return url.origin === location.origin ? url.href.replace(/\/+$/, '') : null;
}
const HUB_BASE_URL = hubBaseFromUrl();

// One worker for the page's lifetime (StrictMode's double effects must not spawn or kill it).
// Wrapped so the app knows what is running (an update's reload waits for it: activity.ts).
let sharedInstance: ActivityClient | null = null;
function sharedClient(): ActivityClient {
  if (!sharedInstance) {
    sharedInstance = new ActivityClient(createWorkerClient());
    // `?bench`: npm run bench:browser drives the engine's requests directly (the same worker and
    // code paths the UI uses); nothing else is exposed, and only when asked for.
    if (new URLSearchParams(location.search).has('bench')) (window as unknown as { texttuneEngine: EngineClient }).texttuneEngine = sharedInstance;
  }
  return sharedInstance;
}

export function App() {
  const client = sharedClient();
  const [tab, setTab] = useState<TabId>(tabFromHash);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [backendError, setBackendError] = useState<string | null>(null);
  const [storage, setStorage] = useState<StorageEstimate | null>(null);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [encoderId, setEncoderId] = useState<EncoderId>('use-lite');
  const offline = useOfflineState(client, backend !== null);

  useEffect(() => {
    // The auto backend may switch backends after measuring them (first use of an encoder).
    const unsubscribe = client.subscribe((e) => {
      if (e.type === 'backend') setBackend(e.info);
    });
    client.call('init', { backend: backendFromUrl(), hubBaseUrl: HUB_BASE_URL, threads: new URLSearchParams(location.search).get('threads') }).then(setBackend, (e) => setBackendError(errorText(e)));
    return unsubscribe;
  }, [client]);

  useEffect(() => {
    client.call('storage.estimate', null).then(setStorage, () => undefined);
  }, [client, tab, runId, datasetId, offline.encoderStored]);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const go = useCallback((t: TabId) => {
    location.hash = t;
    setTab(t);
  }, []);
  const trainOn = useCallback(
    (id: string) => {
      setDatasetId(id);
      go('train');
    },
    [go],
  );

  return (
    <EngineProvider client={client}>
      <div className="sticky">
        <Header backend={backend} backendError={backendError} storage={storage} offline={offline} />
        <UpdateBanner update={offline.update} busy={offline.busy} />
        <nav className="tabs" role="tablist" aria-label="Sections">
          {TABS.map((t) => (
            <button key={t.id} role="tab" type="button" aria-selected={tab === t.id} data-testid={`tab-${t.id}`} onClick={() => go(t.id)}>
              {t.title}
            </button>
          ))}
        </nav>
      </div>
      {/* Panels stay mounted so a running training keeps its live view when you switch tabs. */}
      <main>
        <div role="tabpanel" hidden={tab !== 'datasets'}>
          <PageErrorBoundary page="Datasets">
            <DatasetsPage active={tab === 'datasets'} onTrain={trainOn} />
          </PageErrorBoundary>
        </div>
        <div role="tabpanel" hidden={tab !== 'train'}>
          <PageErrorBoundary page="Encoder">
            <EncoderPanel value={encoderId} onChange={setEncoderId} active={tab === 'train'} hubBaseUrl={HUB_BASE_URL} />
          </PageErrorBoundary>
          <PageErrorBoundary page="Performance">
            <PerformancePanel encoderId={encoderId} active={tab === 'train'} />
          </PageErrorBoundary>
          <PageErrorBoundary page="Train">
            <TrainingPage active={tab === 'train'} encoderId={encoderId} datasetId={datasetId} onDatasetChange={setDatasetId} onRunSelected={setRunId} />
          </PageErrorBoundary>
        </div>
        <div role="tabpanel" hidden={tab !== 'playground'}>
          <PageErrorBoundary page="Playground">
            <PlaygroundPage active={tab === 'playground'} runId={runId} onRunSelected={setRunId} />
          </PageErrorBoundary>
        </div>
        <div role="tabpanel" hidden={tab !== 'export'}>
          <PageErrorBoundary page="Export / import">
            <ExportPage active={tab === 'export'} runId={runId} onRunSelected={setRunId} />
          </PageErrorBoundary>
        </div>
      </main>
    </EngineProvider>
  );
}
