// Export a trained head (tfjs Layers zip, single-file bundle, safetensors) and import bundles.
import { useState } from 'react';
import { useEngine } from '../../app/engine-context';
import { useRuns } from '../../app/use-runs';
import type { ExportFormat, RunSummary } from '../../worker/protocol';
import { ErrorMessage } from '../../components/error-message';
import { downloadFile } from '../../components/download';
import { pct } from '../../components/format';

const FORMATS: { format: ExportFormat; title: string; about: string }[] = [
  { format: 'bundle', title: 'Single-file bundle (.texttune.zip)', about: 'Everything needed to import the model back into TextTune, in any browser.' },
  {
    format: 'tfjs-zip',
    title: 'TensorFlow.js Layers (zip)',
    about: 'model.json + weights.bin + metadata.json (labels, encoder id and hash, tokenizer, max length, metrics).',
  },
  { format: 'safetensors', title: 'safetensors (.safetensors)', about: 'The head weights by name, readable by Python’s safetensors.' },
];

export function ExportPage({ active, runId, onRunSelected }: { active: boolean; runId: string | null; onRunSelected(id: string): void }) {
  const engine = useEngine();
  const [runsVersion, setRunsVersion] = useState(0);
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

  const doImport = async (file: File) => {
    setBusy(true);
    setImportError(null);
    setImported(null);
    try {
      const run = await engine.call('import.bundle', { file, fileName: file.name });
      setImported(run);
      onRunSelected(run.id);
      setRunsVersion((v) => v + 1);
    } catch (err) {
      setImportError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page">
      <section className="card">
        <h2>Export</h2>
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
                    {r.name} · {r.datasetName} · acc {pct(r.metrics.accuracy)}
                  </option>
                ))}
              </select>
            </label>
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
    </div>
  );
}
