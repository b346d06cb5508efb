import { useRef, useState } from 'react';
import { RenameForm } from '../../components/rename-form';
import type { DatasetMeta } from '../../worker/protocol';
import { listLabels, MANY_LABELS } from '../../components/many-labels';

export interface DatasetListProps {
  datasets: DatasetMeta[] | null;
  onRename(id: string, name: string): Promise<unknown>;
  onDelete(id: string): Promise<unknown>;
  onDownloadRejected(d: DatasetMeta): void;
  onTrain(id: string): void;
}

export function DatasetList({ datasets, onRename, onDelete, onDownloadRejected, onTrain }: DatasetListProps) {
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section className="card">
      {/* Focus lands here after a delete: the pressed button is gone with its row. */}
      <h2 tabIndex={-1} ref={heading}>
        Your datasets
      </h2>
      {datasets === null ? (
        <p className="muted">Loading…</p>
      ) : datasets.length === 0 ? (
        <p className="muted" data-testid="no-datasets">
          No datasets yet: upload one or use the sample.
        </p>
      ) : (
        <ul className="list" data-testid="dataset-list">
          {datasets.map((d) => (
            <li key={d.id} data-testid="dataset-item" data-name={d.name} data-dataset-id={d.id}>
              {editing?.id === d.id ? (
                <RenameForm
                  value={editing.name}
                  onChange={(name) => setEditing({ id: d.id, name })}
                  // Closed only once saved: a refused name leaves the form open with what was typed
                  // (the page shows why), instead of closing it as if the rename had worked.
                  onSave={() => void onRename(d.id, editing.name).then(() => setEditing(null), () => undefined)}
                  saveDisabled={editing.name.trim() === ''}
                  onCancel={() => setEditing(null)}
                  label="New name"
                  inputTestId="rename-input"
                  saveTestId="rename-save"
                  returnFocus={() => document.querySelector<HTMLElement>(`[data-dataset-id="${CSS.escape(d.id)}"] [data-testid="dataset-rename"]`)}
                />
              ) : (
                <>
                  <div>
                    <strong data-testid="dataset-title">{d.name}</strong>
                    <div className="muted small">
                      {d.rowCount} rows · {d.labels.length >= MANY_LABELS ? `${d.labels.length} labels: ${listLabels(d.labels)}` : `labels: ${d.labels.map((l, i) => `${l} (${d.labelCounts[i]})`).join(', ')}`} · text “{d.textColumn}”, label “
                      {d.labelColumn}” · {new Date(d.createdAt).toLocaleString()}
                      {d.rejectedCount > 0 && (
                        <>
                          {' · '}
                          <button type="button" className="link" onClick={() => onDownloadRejected(d)}>
                            {d.rejectedCount} rejected (CSV)
                          </button>
                        </>
                      )}
                    </div>
                  </div>
                  <div className="row">
                    {/* Not "Train": it opens step 2 with this dataset, where the Train button is (a first-time user pressed this one and waited for a training). */}
                    <button type="button" onClick={() => onTrain(d.id)} data-testid="dataset-train">
                      Select for training
                    </button>
                    <button type="button" data-testid="dataset-rename" onClick={() => setEditing({ id: d.id, name: d.name })}>
                      Rename
                    </button>
                    <button
                      type="button"
                      className="danger"
                      data-testid="dataset-delete"
                      onClick={() => {
                        if (confirm(`Delete dataset “${d.name}”? Runs trained on it are kept.`)) void onDelete(d.id).then(() => heading.current?.focus());
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
