// Export a trained head (tfjs Layers zip, single-file bundle, safetensors) and import bundles.
import { useState } from 'react';
import { useEngine } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import { useRuns } from '../../app/use-runs';
import type { ExportedFile, ExportFormat, RunSummary } from '../../worker/protocol';
import { ErrorMessage } from '../../components/error-message';
import { downloadFile } from '../../components/download';
import { FileInput } from '../../components/file-input';
import { RunOptions } from '../../components/run-options';
import { StepCard } from '../../components/step-card';
import { listLabels } from '../../components/many-labels';

/** What each goal's files are for and a snippet that loads them (shown beside its downloads). */
const SNIPPETS = {
  browser: `// Your own web page, with the TensorFlow.js zip unzipped next to it.
// The head classifies embeddings: embed each text with the same encoder first
// (metadata.json names it, with its weights hash and tokenizer).
import * as tf from '@tensorflow/tfjs';
const head = await tf.loadLayersModel('model/model.json');
const meta = await (await fetch('model/metadata.json')).json();
// embeddings: a [texts, meta.embeddingDim] tf.Tensor2D from that encoder
// (in TextTune's own code: src/core/encoders, embedTexts()).
const probs = head.predict(embeddings); // [texts, meta.labels.length]`,
  python: `# pip install safetensors numpy
import json
from safetensors import safe_open
with safe_open("MODEL.safetensors", framework="numpy") as f:
    meta = json.loads(f.metadata()["texttune"])
    head = {name: f.get_tensor(name) for name in meta["head"]}
print(meta["labels"], {k: v.shape for k, v in head.items()})`,
  hf: `# pip install torch transformers; unzip the export into ./texttune-hf
import sys; sys.path.insert(0, "texttune-hf")
from train import TextTuneBertForSequenceClassification  # pools as TextTune did
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained("texttune-hf")
model = TextTuneBertForSequenceClassification.from_pretrained("texttune-hf").eval()
probs = model(**tok(["your text"], return_tensors="pt")).logits.softmax(-1)
print(dict(zip(model.config.id2label.values(), probs[0].tolist())))
# Train further on your GPU: python texttune-hf/train.py --epochs 3`,
} as const;

/** Why the Hugging Face export is not available for a run, and what would make it so; null when it is. */
export function hfBlocker(run: RunSummary | null): { why: string; fix: string } | null {
  if (!run) return { why: 'Choose a model first.', fix: '' };
  if (run.encoderId === 'use-lite')
    return {
      why: 'This model reads texts with the built-in USE-lite encoder, which Hugging Face’s BertForSequenceClassification cannot hold.',
      fix: 'Train again on a BERT-family encoder (for example all-MiniLM-L6-v2, under Advanced → Encoder) with a linear head (hidden units 0).',
    };
  if (!run.fineTune && run.config.hiddenUnits > 0)
    return {
      why: `This model’s head has a ${run.config.hiddenUnits}-unit hidden layer; the Hugging Face format holds a linear classifier.`,
      fix: 'Train again with hidden units 0 (under Advanced), or fine-tune.',
    };
  return null;
}

/** How the encoder model alone scored beside the kept model, in words (equal scores said as such). */
function encoderAloneScore(run: RunSummary): string {
  const alone = run.comparison?.candidates.find((c) => c.kind === 'encoder')?.metrics.macroF1;
  if (alone === undefined) return 'its scores on the held-out rows are in the run’s details';
  const kept = run.metrics.macroF1;
  if (Math.abs(alone - kept) < 5e-4) return `it scored the same on the held-out rows, macro-F1 ${kept.toFixed(3)}; the combined model was kept because its confidence matched its accuracy better`;
  return `on the held-out rows it scored macro-F1 ${alone.toFixed(3)}, the kept model ${kept.toFixed(3)}`;
}

function Snippet({ code, testId }: { code: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="snippet">
      <pre data-testid={testId} tabIndex={0}>
        <code>{code}</code>
      </pre>
      <button
        type="button"
        className="small-button"
        onClick={() =>
          void navigator.clipboard.writeText(code).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

export interface ExportPageProps {
  active: boolean;
  runId: string | null;
  onRunSelected(id: string): void;
  /** Take the user to where the Hugging Face export's fix is made (Train → Advanced). */
  onFixHf(): void;
}

export function ExportPage({ active, runId, onRunSelected, onFixHf }: ExportPageProps) {
  const engine = useEngine();
  const [runs, runsError] = useRuns(active);
  const exporting = useEngineTask();
  const importing = useEngineTask();
  const busy = exporting.running || importing.running;
  const [imported, setImported] = useState<RunSummary | null>(null);

  /** Every export is the same task: ask the engine for the file, hand it to the browser. */
  const exportFile = (call: (runId: string) => Promise<ExportedFile>) => {
    if (!runId) return;
    // Its button is disabled while the file is made, which drops keyboard focus to the page: it
    // goes back to the button once that is enabled again (two frames: after the re-render).
    const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    void exporting
      .run(async () => {
        const file = await call(runId);
        downloadFile(file.bytes, file.fileName, file.mime);
      })
      .finally(() =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            if (trigger?.isConnected && (document.activeElement === document.body || document.activeElement === null)) trigger.focus();
          }),
        ),
      );
  };
  const doExport = (format: ExportFormat) => exportFile((id) => engine.call('export', { runId: id, format }));
  const doExportHf = () => exportFile((id) => engine.call('export.hf', { runId: id }));

  /** Every import is the same task too: the engine stores the run, the page selects it. */
  const importRun = (call: () => Promise<RunSummary>) => {
    setImported(null);
    void importing.run(async () => {
      const run = await call();
      setImported(run);
      onRunSelected(run.id);
    });
  };

  /** A BertForSequenceClassification zip (one file) or folder (files with relative paths). */
  const doImportHf = (files: File[]) => {
    if (files.length === 0) return;
    const entries = files.map((f) => ({ path: f.webkitRelativePath || f.name, file: f as Blob }));
    const name = files.length === 1 ? files[0]!.name.replace(/\.zip$/i, '') : (files[0]!.webkitRelativePath.split('/')[0] ?? 'model');
    importRun(() => engine.call('import.hf', { name, files: entries }));
  };

  const selectedRun = runs?.find((r) => r.id === runId) ?? null;
  const hf = hfBlocker(selectedRun);

  const doImport = (file: File) =>
    importRun(async () => {
      try {
        return await engine.call('import.bundle', { file, fileName: file.name });
      } catch (err) {
        // The bundle's encoder is a Hub model not in this browser: download only if the user says so.
        if ((err as { code?: string }).code !== 'CONFIRM_DOWNLOAD' || !window.confirm((err as Error).message)) throw err;
        return engine.call('import.bundle', { file, fileName: file.name, allowDownload: true });
      }
    });

  return (
    <div className="page">
      <StepCard headingId="export-heading" title="Export">
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
                <RunOptions runs={runs} />
              </select>
            </label>
            {selectedRun?.comparison && selectedRun.comparison.kept !== 'encoder' && (
              <p className="notice" data-testid="export-kept-note">
                {selectedRun.comparison.kept === 'baseline'
                  ? 'This run keeps the word-pattern (n-gram) model, which beat the encoder on this data'
                  : 'This run keeps a combination of word patterns (n-grams) and the encoder'}
                : only the TextTune bundle carries it whole. The TensorFlow.js, safetensors and Hugging Face files hold the encoder
                part alone ({encoderAloneScore(selectedRun)}).
              </p>
            )}
            <div className="goals">
              <section className="goal" aria-labelledby="goal-browser" data-testid="goal-browser">
                <h3 id="goal-browser">For this browser (or another one)</h3>
                <p className="small">
                  <strong>Bundle</strong>: keep the model, move it to another browser or computer, or share it. It holds everything the model uses (also
                  n-grams and combinations) and imports back below, checked before anything is stored; it predicts the same to 1e-5.
                </p>
                <div className="row">
                  <button type="button" className="primary" data-testid="export-bundle" disabled={busy || !runId} onClick={() => void doExport('bundle')}>
                    Download bundle (.texttune.zip)
                  </button>
                </div>
                <p className="small">
                  <strong>TensorFlow.js</strong>: the classifier head for your own web page (model.json + weights.bin + metadata.json; a fine-tuned run adds its
                  encoder layers). It classifies the encoder’s embeddings:
                </p>
                <div className="row">
                  <button type="button" data-testid="export-tfjs-zip" disabled={busy || !runId} onClick={() => void doExport('tfjs-zip')}>
                    Download TensorFlow.js (zip)
                  </button>
                </div>
                <Snippet code={SNIPPETS.browser} testId="snippet-browser" />
              </section>
              <section className="goal" aria-labelledby="goal-python" data-testid="goal-python">
                <h3 id="goal-python">For Python</h3>
                <p className="small">
                  <strong>safetensors</strong>: every trained tensor by name (the head, and a fine-tuned run’s encoder layers under their original names), with the
                  labels and encoder in its metadata: for NumPy, PyTorch or JAX code of your own.
                </p>
                <div className="row">
                  <button type="button" data-testid="export-safetensors" disabled={busy || !runId} onClick={() => void doExport('safetensors')}>
                    Download .safetensors
                  </button>
                </div>
                <Snippet code={SNIPPETS.python} testId="snippet-python" />
              </section>
              <section className="goal" aria-labelledby="goal-hf" data-testid="goal-hf">
                <h3 id="goal-hf">For Hugging Face</h3>
                <p className="small">
                  A BertForSequenceClassification folder (config, weights, tokenizer) with your data as train.csv and a train.py that continues training on a GPU
                  with transformers — or push it to the Hub.
                </p>
                <div className="row">
                  <button
                    type="button"
                    data-testid="export-hf"
                    disabled={busy || hf !== null}
                    aria-describedby={hf ? 'hf-why' : undefined}
                    onClick={() => void doExportHf()}
                  >
                    Download Hugging Face (zip)
                  </button>
                </div>
                {hf ? (
                  <div className="notice" id="hf-why" data-testid="export-hf-why">
                    <p>{hf.why}</p>
                    {hf.fix && (
                      <p>
                        {hf.fix}{' '}
                        <button type="button" className="link" data-testid="export-hf-fix" onClick={onFixHf}>
                          Set it up in Train →
                        </button>
                      </p>
                    )}
                  </div>
                ) : (
                  <Snippet code={SNIPPETS.hf} testId="snippet-hf" />
                )}
              </section>
            </div>
          </>
        )}
        <ErrorMessage error={exporting.error ?? runsError} testId="export-error" />
      </StepCard>
      <section className="card">
        <h2>Import a bundle</h2>
        <p className="muted">A .texttune.zip file exported from TextTune. A damaged or mismatched file is refused and nothing changes.</p>
        <FileInput label="Import bundle…" accept=".zip,.texttune,application/zip" testId="import-bundle-input" disabled={busy} onFiles={([f]) => f && doImport(f)} />
        {imported && (
          <p className="ok" data-testid="import-ok">
            Imported “{imported.name}” ({imported.labels.length} labels: {listLabels(imported.labels)}). It is now selected in Try it, above.
          </p>
        )}
        <ErrorMessage error={importing.error} testId="import-error" />
      </section>
      <section className="card">
        <h2>Import a Hugging Face classifier</h2>
        <p className="muted">
          A fine-tuned BertForSequenceClassification as a zip or a folder (config.json, model.safetensors, tokenizer.json or vocab.txt), for example one
          exported here and trained further with train.py. It is stored in this browser and predicts in Try it, above.
        </p>
        <div className="row">
          <FileInput label="Import zip…" accept=".zip,application/zip" testId="import-hf-input" disabled={busy} onFiles={doImportHf} />
          <FileInput label="Import folder…" testId="import-hf-folder" disabled={busy} folder onFiles={doImportHf} />
        </div>
      </section>
    </div>
  );
}
