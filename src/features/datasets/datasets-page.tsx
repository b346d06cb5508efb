// Datasets: upload (parsed in the worker), review and save; list, rename, delete.
import { useEffect, useRef, useState } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import { useDatasets } from '../../app/use-runs';
import type { ColumnMapping, DatasetMeta, ImportPreview, ImportReport } from '../../worker/protocol';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { downloadFile } from '../../components/download';
import { FileInput } from '../../components/file-input';
import { StepCard } from '../../components/step-card';
import { ImportReview } from './import-review';
import { DatasetList } from './dataset-list';
import { MAX_NAME_CHARS } from '../../core/model/records';

const SAMPLE_URL = `${import.meta.env.BASE_URL}samples/product-reviews.csv`;

export function DatasetsPage({ active, onTrain, onDeleted }: { active: boolean; onTrain(datasetId: string): void; onDeleted(datasetId: string): void }) {
  const engine = useEngine();
  const datasetList = useDatasets(active);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [name, setName] = useState('');
  /** Reading a file (or the sample) into the review, then saving it: one at a time. */
  const importing = useEngineTask({ tasks: ['parse'] });
  const busy = importing.running;
  /** Errors of the list, renames, deletes and remapping (an open's or a save's are importing.error). */
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<DatasetMeta | null>(null);
  /** The saved message takes focus: the Save button it replaces is gone. */
  const savedRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (saved) savedRef.current?.focus();
  }, [saved]);
  /** A file read (or the sample) takes focus to its Save card: the button that opened it is disabled meanwhile, and focus would drop to the page. */
  const saveCardRef = useRef<HTMLElement>(null);
  const focusSaveCard = useRef(false);
  useEffect(() => {
    if (focusSaveCard.current && report) {
      focusSaveCard.current = false;
      saveCardRef.current?.focus();
    }
  }, [report]);

  const remap = async (importId: string, mapping: ColumnMapping) => {
    setReport(await engine.call('import.map', { importId, mapping }));
  };

  /** Reads a file into the review; `file` gives the blob (the sample is fetched first, inside the same task). */
  const open = async (file: () => Promise<Blob>, fileName: string) => {
    setError(null);
    setSaved(null);
    setReport(null);
    setPreview(null);
    const opened = await importing.run(
      async (onEvent) => {
        if (preview) await engine.call('import.discard', { importId: preview.importId });
        const p = await engine.call('import.open', { file: await file(), fileName }, onEvent);
        setPreview(p);
        setName(fileName.replace(/\.(csv|tsv|txt)$/i, ''));
        focusSaveCard.current = true;
        await remap(p.importId, p.detected);
        return true;
      },
      { task: 'parse', done: 0, total: 1, etaSeconds: null, detail: null },
    );
    if (!opened) focusSaveCard.current = false;
  };

  const loadSample = () =>
    open(async () => {
      const res = await fetch(SAMPLE_URL);
      if (!res.ok) throw new Error(`could not load the sample dataset (HTTP ${res.status})`);
      return res.blob();
    }, 'product-reviews.csv');

  const save = async () => {
    if (!preview) return;
    setError(null);
    const meta = await importing.run(() => engine.call('import.save', { importId: preview.importId, name }));
    if (!meta) return;
    setSaved(meta);
    setPreview(null);
    setReport(null);
  };

  const cancel = async () => {
    if (preview) await engine.call('import.discard', { importId: preview.importId }).catch(() => undefined);
    setPreview(null);
    setReport(null);
  };

  return (
    <div className="page">
      <StepCard headingId="data-heading" title="Add a dataset">
        <p className="muted">
          A CSV, TSV or JSON file (JSON Lines or a list of records) with one text column and one label column. It is parsed and stored in this browser only.
        </p>
        <div className="row">
          <FileInput
            label="Upload a file…"
            accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,text/tab-separated-values,text/plain,application/json"
            testId="upload-input"
            disabled={busy}
            onFiles={([f]) => f && void open(async () => f, f.name)}
          />
          <button type="button" data-testid="use-sample" disabled={busy} onClick={() => void loadSample()}>
            Use sample (40 product reviews)
          </button>
        </div>
        {importing.progress && <ProgressBar label="Parsing" done={importing.progress.done} total={importing.progress.total} etaSeconds={importing.progress.etaSeconds} testId="parse-progress" />}
        <ErrorMessage error={error ?? importing.error ?? datasetList.error} testId="dataset-error" />
        {saved && (
          <p className="ok" data-testid="dataset-saved" tabIndex={-1} ref={savedRef}>
            Saved “{saved.name}”: {saved.rowCount} rows, {saved.labels.length} labels.{' '}
            <button type="button" className="primary" data-testid="dataset-saved-train" onClick={() => onTrain(saved.id)}>
              Next: train on it →
            </button>
          </p>
        )}
      </StepCard>
      {preview && (
        <>
          {/* Save comes first, in the first screen; the review it rests on follows. */}
          <section className="card save-card" aria-label="Save this dataset" aria-describedby="save-summary" tabIndex={-1} ref={saveCardRef} data-testid="save-card">
            <div className="row">
              <label>
                Name
                <input data-testid="dataset-name" value={name} maxLength={MAX_NAME_CHARS} onChange={(e) => setName(e.target.value)} />
              </label>
              <button type="button" className="primary" data-testid="save-dataset" disabled={busy || !report?.canSave} onClick={() => void save()}>
                Save dataset
              </button>
              <button type="button" onClick={() => void cancel()}>
                Cancel
              </button>
            </div>
            <p className="muted small" id="save-summary" data-testid="save-summary">
              {report
                ? report.canSave
                  ? report.problems.some((p) => p.code === 'same-rows-saved')
                    ? // Save sits above the review: a user who saves at once would not see the warning below.
                      'These rows are already saved as a dataset (see below): saving makes a second copy.'
                    : 'Check the columns and the rows below, then save: it stays in this browser.'
                  : 'Nothing can be saved yet: see the problems listed below (the columns can be changed there).'
                : 'Reading the file…'}
            </p>
          </section>
          <ImportReview
            preview={preview}
            report={report}
            onMapping={(m) => void remap(preview.importId, m).catch(setError)}
            onDownloadRejected={() =>
              void engine
                .call('import.rejectedCsv', { importId: preview.importId })
                .then(({ csv }) => downloadFile(csv, `${name || 'dataset'}-rejected.csv`, 'text/csv'), setError)
            }
          />
        </>
      )}
      <DatasetList
        datasets={datasetList.items}
        onRename={(id, n) =>
          engine.call('datasets.rename', { id, name: n }).then(
            (renamed) => {
              setError(null);
              setSaved((s) => (s?.id === id ? renamed : s));
            },
            (e: unknown) => {
              setError(e);
              throw e;
            },
          )
        }
        onDelete={(id) =>
          engine.call('datasets.delete', { id }).then(
            // "Saved …: Next: train on it →" must not outlive the dataset it offers to train on.
            () => {
              setSaved((s) => (s?.id === id ? null : s));
              onDeleted(id);
            },
            setError,
          )
        }
        onDownloadRejected={(d) =>
          void engine.call('datasets.rejectedCsv', { id: d.id }).then(({ csv }) => downloadFile(csv, `${d.name}-rejected.csv`, 'text/csv'), setError)
        }
        onTrain={onTrain}
      />
    </div>
  );
}
