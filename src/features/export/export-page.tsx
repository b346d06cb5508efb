// Export a trained head (tfjs Layers zip, single-file bundle, safetensors) and import bundles.
import { useState } from 'react';
import { useEngine } from '../../app/engine-context';
import { useRuns } from '../../app/use-runs';
import type { ExportFormat, RunSummary } from '../../worker/protocol';
import { ErrorMessage } from '../../components/error-message';
import { downloadFile } from '../../components/download';
import { pct, validationRows } from '../../components/format';

const FORMATS: { format: ExportFormat; title: string; about: string }[] = [
  { format: 'bundle', title: 'Single-file bundle (.texttune.zip)', about: 'Everything needed to import the model back into TextTune, in any browser.' },
  {
    format: 'tfjs-zip',
    title: 'TensorFlow.js Layers (zip)',
    about: 'model.json + weights.bin + metadata.json (labels, encoder id and hash, tokenizer, max length, metrics); encoder-weights.safetensors for a fine-tuned run.',
  },
  { format: 'safetensors', title: 'safetensors (.safetensors)', about: 'The head weights (and a fine-tuned run’s encoder layers) by name, readable by Python’s safetensors.' },
];

export interface ExportPageProps {
  active: boolean;
  runId: string | null;
  onRunSelected(id: string): void;
  /** Changes when runs were added (a finished training, an import): the list refetches. */
  runsVersion: number;
  /** A run was imported: the app bumps runsVersion. */
  onImported(): void;
}

export function ExportPage({ active, runId, onRunSelected, runsVersion, onImported }: ExportPageProps) {
  const engine = useEngine();
  const [runs, runsError] = useRuns(active, runsVersion);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [imported, setImported] = useState<RunSummary | null>(null);
  const [importError, setImportError] = useState<unknown>(null);

  const doExport = async (format: ExportFormat) => {
    if (!runId) return;
    setBusy(true);
    setError(null);
    try {
      const file = await engine.call('export', { runId, format });
      downloadFile(file.bytes, file.fileName, file.mime);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const doExportHf = async () => {
    if (!runId) return;
    setBusy(true);
    setError(null);
    try {
      const file = await engine.call('export.hf', { runId });
      downloadFile(file.bytes, file.fileName, file.mime);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  /** A BertForSequenceClassification zip (one file) or folder (files with relative paths). */
  const doImportHf = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    setImportError(null);
    setImported(null);
    try {
      const entries = files.map((f) => ({ path: f.webkitRelativePath || f.name, file: f as Blob }));
      const name = files.length === 1 ? files[0]!.name.replace(/\.zip$/i, '') : (files[0]!.webkitRelativePath.split('/')[0] ?? 'model');
      const run = await engine.call('import.hf', { name, files: entries });
      setImported(run);
      onRunSelected(run.id);
      onImported();
    } catch (err) {
      setImportError(err);
    } finally {
      setBusy(false);
    }
  };

  const selectedRun = runs?.find((r) => r.id === runId) ?? null;
  const bertRun = !!selectedRun && selectedRun.encoderId !== 'use-lite';

  const doImport = async (file: File) => {
    setBusy(true);
    setImportError(null);
    setImported(null);
    try {
      let run;
      try {
        run = await engine.call('import.bundle', { file, fileName: file.name });
      } catch (err) {
        // The bundle's encoder is a Hub model not in this browser: download only if the user says so.
        if ((err as { code?: string }).code !== 'CONFIRM_DOWNLOAD' || !window.confirm((err as Error).message)) throw err;
        run = await engine.call('import.bundle', { file, fileName: file.name, allowDownload: true });
      }
      setImported(run);
      onRunSelected(run.id);
      onImported();
    } catch (err) {
      setImportError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <section className="card" aria-labelledby="export-heading">
        <h2 id="export-heading" tabIndex={-1}>
          Export
        </h2>
        {runs && runs.length === 0 ? (
          <p className="muted">No trained model yet.</p>
        ) : (
          <>
            <label>
              Model
              <select data-testid="export-run" value={runId ?? ''} onChange={(e) => onRunSelected(e.target.value)}>
                <option value="" disabled>
                  choose a run
                </option>
                {(runs ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} · {r.datasetName} · acc {pct(r.metrics.accuracy)} on {validationRows(r.metrics.perClass)} validation rows
                  </option>
                ))}
              </select>
            </label>
            {selectedRun?.comparison && selectedRun.comparison.kept !== 'encoder' && (
              <p className="notice" data-testid="export-kept-note">
                This run keeps the {selectedRun.comparison.kept === 'baseline' ? 'n-gram baseline' : `${selectedRun.comparison.kept} of n-grams and encoder`}: only the
                bundle carries it whole. TensorFlow.js, safetensors and Hugging Face exports hold the encoder model alone (validation macro-F1{' '}
                {selectedRun.comparison.candidates.find((c) => c.kind === 'encoder')?.metrics.macroF1.toFixed(3) ?? '–'} instead of {selectedRun.metrics.macroF1.toFixed(3)}).
              </p>
            )}
            <ul className="list">
              {FORMATS.map((f) => (
                <li key={f.format}>
                  <div>
                    <strong>{f.title}</strong>
                    <div className="muted small">{f.about}</div>
                  </div>
                  <button type="button" data-testid={`export-${f.format}`} disabled={busy || !runId} onClick={() => void doExport(f.format)}>
                    Download
                  </button>
                </li>
              ))}
              <li>
                <div>
                  <strong>Hugging Face (BertForSequenceClassification zip)</strong>
                  <div className="muted small">
                    config.json, model.safetensors (encoder + classifier), tokenizer files, the training data as train.csv and a train.py that continues
                    training with transformers. For runs on a BERT-family encoder with a linear head (hidden units 0) or fine-tuned.
                  </div>
                </div>
                <button type="button" data-testid="export-hf" disabled={busy || !bertRun} onClick={() => void doExportHf()}>
                  Download
                </button>
              </li>
            </ul>
          </>
        )}
        <ErrorMessage error={error ?? runsError} testId="export-error" />
      </section>
      <section className="card">
        <h2>Import a bundle</h2>
        <p className="muted">A .texttune.zip file exported from TextTune. A damaged or mismatched file is refused and nothing changes.</p>
        <label className="file-button">
          Import bundle…
          <input
            type="file"
            accept=".zip,.texttune,application/zip"
            data-testid="import-bundle-input"
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void doImport(f);
            }}
          />
        </label>
        {imported && (
          <p className="ok" data-testid="import-ok">
            Imported “{imported.name}” ({imported.labels.length} labels: {imported.labels.join(', ')}). It is now selected in the Playground.
          </p>
        )}
        <ErrorMessage error={importError} testId="import-error" />
      </section>
      <section className="card">
        <h2>Import a Hugging Face classifier</h2>
        <p className="muted">
          A fine-tuned BertForSequenceClassification as a zip or a folder (config.json, model.safetensors, tokenizer.json or vocab.txt), for example one
          exported here and trained further with train.py. It is stored in this browser and predicts in the Playground.
        </p>
        <div className="row">
          <label className="file-button">
            Import zip…
            <input
              type="file"
              accept=".zip,application/zip"
              data-testid="import-hf-input"
              disabled={busy}
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                void doImportHf(files);
              }}
            />
          </label>
          <label className="file-button">
            Import folder…
            <input
              type="file"
              data-testid="import-hf-folder"
              disabled={busy}
              {...{ webkitdirectory: '' }}
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                void doImportHf(files);
              }}
            />
          </label>
        </div>
      </section>
    </div>
  );
}
