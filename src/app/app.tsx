// The app shell: the worker client, the backend badge, and the three steps (Data → Train → Try & export). Features never import
// each other; what they share (selected dataset, run, encoder) lives here and goes down as props.
import { useCallback, useEffect, useRef, useState } from 'react';
import { createWorkerClient, type EngineClient } from '../worker/client';
import type { BackendInfo, BackendRequest, EncoderId, RunDetail, StorageEstimate } from '../worker/protocol';
import { EngineProvider } from './engine-context';
import { Header } from './header';
import { DatasetsPage } from '../features/datasets/datasets-page';
import { PerformancePanel } from '../features/performance/performance-panel';
import { EncoderPanel } from '../features/models/encoder-panel';
import { TrainingPage } from '../features/training/training-page';
import { PlaygroundPage } from '../features/playground/playground-page';
import { ExportPage } from '../features/export/export-page';
import { errorText, pct, validationRows } from '../components/format';
import { Disclosure, useDisclosure } from '../components/disclosure';
import { ResultDetails, ResultSummary } from '../features/training/result-view';
import { AnnouncerProvider, useAnnounce } from './announcer';
import { STEPS, StepPanel, Stepper, stepPanelId, type StepId } from './stepper';
import { useRunDetail, useDataset } from './use-run-detail';
import { FewShotPanel } from '../features/training/fewshot-panel';
import { LabelNextPanel } from '../features/training/label-next-panel';
import { useDatasets, useRuns, useRunsVersion } from './use-runs';
import { ActivityClient } from './activity';
import { useOfflineState } from './use-offline';
import { UpdateBanner } from './update-banner';
import { PageErrorBoundary } from '../components/error-boundary';


function stepFromHash(): StepId {
  const h = location.hash.replace(/^#\/?/, '');
  if (h === 'playground' || h === 'export') return 'try';
  return STEPS.some((t) => t.id === h) ? (h as StepId) : 'datasets';
}

/** The selected run and dataset survive a reload. */
function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function store(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage refused: the choice is simply not remembered.
  }
}
const RUN_KEY = 'texttune.runId';
const DATASET_KEY = 'texttune.datasetId';

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
  return (
    <EngineProvider client={sharedClient()}>
      <AnnouncerProvider>
        <AppBody />
      </AnnouncerProvider>
    </EngineProvider>
  );
}

function AppBody() {
  const client = sharedClient();
  const announce = useAnnounce();
  const [step, setStep] = useState<StepId>(stepFromHash);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [backendError, setBackendError] = useState<string | null>(null);
  const [storage, setStorage] = useState<StorageEstimate | null>(null);
  const [datasetId, setDatasetIdState] = useState<string | null>(() => stored(DATASET_KEY));
  const [runId, setRunIdState] = useState<string | null>(() => stored(RUN_KEY));
  const [encoderId, setEncoderId] = useState<EncoderId>('use-lite');
  const [improveSignal, setImproveSignal] = useState(0);
  const [advancedSignal, setAdvancedSignal] = useState(0);
  const [retrainSignal, setRetrainSignal] = useState(0);
  const [detailsOpen, setDetailsOpen] = useDisclosure('texttune.detailsOpen');
  const offline = useOfflineState(client, backend !== null);
  const run = useRunDetail(client, runId);
  const runDataset = useDataset(run?.datasetId ?? null);
  // The label-next panel plots the rounds (this dataset's runs) of step 3.
  const [allRuns] = useRuns(step === 'try');
  /** A training or fine-tuning job of the Train step, or a few-shot tuning of step 3, is running. */
  const [trainBusy, setTrainBusy] = useState(false);
  const [fewShotBusy, setFewShotBusy] = useState(false);
  /** Where focus goes once the next step (and the run it shows) is on screen; a new object each request. */
  const [focusRequest, setFocusRequest] = useState<{ target: 'panel' | 'result' | 'export' } | null>(null);
  const focusHandled = useRef<object | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  const setDatasetId = useCallback((id: string | null) => {
    setDatasetIdState(id);
    store(DATASET_KEY, id);
  }, []);
  const setRunId = useCallback((id: string | null) => {
    setRunIdState(id);
    store(RUN_KEY, id);
  }, []);

  useEffect(() => {
    // The auto backend may switch backends after measuring them (first use of an encoder).
    const unsubscribe = client.subscribe((e) => {
      if (e.type === 'backend') setBackend(e.info);
    });
    client.call('init', { backend: backendFromUrl(), hubBaseUrl: HUB_BASE_URL, threads: new URLSearchParams(location.search).get('threads') }).then(setBackend, (e) => setBackendError(errorText(e)));
    return unsubscribe;
  }, [client]);

  // Read again when records are saved or deleted: after saving a 20 MB dataset the header still said "0 B".
  const runsVersion = useRunsVersion();
  const datasetsVersion = useDatasets(false).version;
  useEffect(() => {
    client.call('storage.estimate', null).then(setStorage, () => undefined);
  }, [client, step, runId, datasetId, offline.encoderStored, runsVersion, datasetsVersion]);

  useEffect(() => {
    const onHash = () => setStep(stepFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const go = useCallback((s: StepId, focus: 'panel' | 'result' | 'export' | null = null) => {
    if (location.hash.replace(/^#\/?/, '') !== s) location.hash = s;
    setStep(s);
    setFocusRequest(focus ? { target: focus } : null);
  }, []);

  // Moves focus once the step is visible (and, for the result, once its run has loaded).
  useEffect(() => {
    if (!focusRequest || focusHandled.current === focusRequest) return;
    const { target } = focusRequest;
    if (target === 'result') {
      if (!run || run.id !== runId || !resultHeading.current) return;
      resultHeading.current.focus();
      resultHeading.current.scrollIntoView({ block: 'nearest' });
    } else if (target === 'export') {
      const h = document.getElementById('export-heading');
      h?.focus();
      h?.scrollIntoView({ block: 'start' });
    } else {
      document.getElementById(stepPanelId(step))?.querySelector<HTMLElement>('h2[tabindex]')?.focus();
    }
    // Done: a later render (another run loading) must not pull focus back.
    focusHandled.current = focusRequest;
  }, [focusRequest, step, run, runId]);

  const trainOn = useCallback(
    (id: string) => {
      setDatasetId(id);
      go('train', 'panel');
    },
    [go, setDatasetId],
  );
  const showResult = useCallback(
    (id: string) => {
      setRunId(id);
      go('try', 'result');
    },
    [go, setRunId],
  );
  const finished = useCallback(
    (r: RunDetail) => {
      showResult(r.id);
      announce(`Training finished: ${pct(r.metrics.accuracy)} right on ${validationRows(r.metrics.perClass)} held-out examples. The result and a box to try the model are shown.`);
    },
    [showResult, announce],
  );

  const summary = run && run.id === runId ? (
    <ResultSummary
      ref={resultHeading}
      run={run}
      onDetails={() => {
        setDetailsOpen(true);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="result-details-panel-toggle"]')?.focus());
      }}
      onImprove={() => {
        // Improve this result: fine-tune on the rows it was trained on, not on whichever dataset the
        // Train step had chosen since (its head and estimate would then belong to another dataset).
        // A deleted dataset is not chosen again (runDataset is null then).
        if (runDataset) setDatasetId(runDataset.id);
        go('train');
        setImproveSignal((n) => n + 1);
      }}
      onExport={() => go('try', 'export')}
    />
  ) : null;

  return (
    <>
      <div className="sticky">
        <Header backend={backend} backendError={backendError} storage={storage} offline={offline} />
        <UpdateBanner update={offline.update} busy={offline.busy} />
        <Stepper steps={STEPS} current={step} done={(s) => (s === 'datasets' ? datasetId !== null || runId !== null : s === 'train' ? runId !== null : false)} onSelect={(s) => go(s)} />
      </div>
      {/* Panels stay mounted so a running training keeps its live view when you switch steps. */}
      <main>
        <StepPanel id="datasets" current={step}>
          <PageErrorBoundary page="Data">
            {/* Coming back (a bookmark, a new tab) lands on step 1: say that the last model is still here. */}
            {run && run.id === runId && (
              <p className="notice" data-testid="your-model">
                Your last model, “{run.name}”, is saved in this browser.{' '}
                <button type="button" className="link" data-testid="your-model-open" onClick={() => showResult(run.id)}>
                  Open it in step 3 (Try &amp; export)
                </button>
              </p>
            )}
            <DatasetsPage
              active={step === 'datasets'}
              onTrain={trainOn}
              // The chosen dataset deleted: forget it, so Train and Improve (whose time estimate starts at
              // once) are not offered on rows that are gone ("no dataset with id …, deleted in another tab?").
              onDeleted={(id) => {
                if (id === datasetId) setDatasetId(null);
              }}
            />
          </PageErrorBoundary>
        </StepPanel>
        <StepPanel id="train" current={step}>
          <PageErrorBoundary page="Train">
            <TrainingPage
              active={step === 'train'}
              encoderId={encoderId}
              datasetId={datasetId}
              onDatasetChange={setDatasetId}
              selectedRunId={runId}
              improveSignal={improveSignal}
              advancedSignal={advancedSignal}
              retrainSignal={retrainSignal}
              onFinished={finished}
              onShowRun={showResult}
              otherBusy={fewShotBusy}
              onBusyChange={setTrainBusy}
              onGoToData={() => go('datasets', 'panel')}
              advanced={
                <>
                  <PageErrorBoundary page="Encoder">
                    <EncoderPanel value={encoderId} onChange={setEncoderId} active={step === 'train'} hubBaseUrl={HUB_BASE_URL} />
                  </PageErrorBoundary>
                  <PageErrorBoundary page="Performance">
                    <PerformancePanel encoderId={encoderId} active={step === 'train'} />
                  </PageErrorBoundary>
                </>
              }
            />
          </PageErrorBoundary>
        </StepPanel>
        <StepPanel id="try" current={step}>
          <PageErrorBoundary page="Try">
            <PlaygroundPage
              active={step === 'try'}
              runId={runId}
              onRunSelected={setRunId}
              lead={summary}
              between={
                <>
                  {/* Unlabelled rows: the least-sure are offered for labelling right under the result.
                      Both panels stay mounted while the selected run changes (their results persist). */}
                  <LabelNextPanel
                    run={run}
                    dataset={runDataset}
                    runs={allRuns ?? []}
                    disabled={trainBusy || fewShotBusy}
                    onRetrain={() => {
                      if (run?.datasetId) setDatasetId(run.datasetId);
                      go('train');
                      setRetrainSignal((n) => n + 1);
                    }}
                  />
                  {/* Few labels: contrastive tuning is offered right under the result it would improve. */}
                  <FewShotPanel
                    encoderId={(run?.encoderId ?? encoderId) as EncoderId}
                    dataset={runDataset}
                    frozenRun={run}
                    disabled={trainBusy}
                    onRunningChange={setFewShotBusy}
                    onFinished={(tuned, keptRunId) => {
                      setRunId(keptRunId);
                      announce(`Contrastive tuning finished: ${tuned.fineTune?.fewShot?.summary ?? 'compared with the frozen model'}.`);
                    }}
                  />
                  {run && (
                    <Disclosure title="Details: every model compared, per-label scores, mistakes" open={detailsOpen} onToggle={setDetailsOpen} testId="result-details-panel">
                      <ResultDetails run={run} />
                    </Disclosure>
                  )}
                </>
              }
            />
          </PageErrorBoundary>
          <PageErrorBoundary page="Export / import">
            <ExportPage
              active={step === 'try'}
              runId={runId}
              onRunSelected={setRunId}
              onFixHf={() => {
                go('train');
                setAdvancedSignal((n) => n + 1);
              }}
            />
          </PageErrorBoundary>
        </StepPanel>
      </main>
    </>
  );
}
