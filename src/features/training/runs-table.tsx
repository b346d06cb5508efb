// The stored runs: what each was trained with (encoder, settings, validation size) and how it
// scored, sortable by any column; Show opens its result in step 3. The table scrolls inside its
// card on narrow screens.
import { RenameForm } from '../../components/rename-form';
import { useEffect, useRef, useState } from 'react';
import { useEngine } from '../../app/engine-context';
import type { EpochLog, RunSummary } from '../../worker/protocol';
import { pct, validationRows } from '../../components/format';
import { LineChart } from '../../components/line-chart';
import { ScrollBox } from '../../components/scroll-box';

/** Runs whose validation curves are drawn together, at most this many (one colour each). */
const MAX_COMPARED = 6;

type SortKey = 'name' | 'dataset' | 'encoder' | 'accuracy' | 'f1' | 'rows' | 'when';

const KEPT_SHORT = { baseline: 'word patterns', encoder: 'language model', hybrid: 'both, one model', blend: 'both, averaged' } as const;

function keptShort(r: RunSummary): string {
  if (r.fineTune) return 'fine-tuned language model';
  return r.comparison ? KEPT_SHORT[r.comparison.kept] : 'language model';
}

function encoderShort(id: string): string {
  return id === 'use-lite' ? 'USE-lite (built in)' : id.replace(/^hf:/, '').replace(/@main$/, '');
}

/** The settings that differ between runs, in a few words. */
export function settingsText(r: RunSummary): string {
  if (r.fineTune) {
    const s = r.fineTune.settings;
    return `top ${s.unfreezeLayers} layer(s), ${s.epochs} epochs, batch ${s.batchSize}`;
  }
  const c = r.config;
  const head = c.hiddenUnits > 0 ? `${c.hiddenUnits} hidden units, ${c.epochs} epochs, lr ${c.learningRate}` : 'linear head';
  return `${head}; ${Math.round(c.valFraction * 100)}% held out, seed ${c.seed}`;
}

const VALUE: Record<SortKey, (r: RunSummary) => string | number> = {
  name: (r) => r.name.toLowerCase(),
  dataset: (r) => r.datasetName.toLowerCase(),
  encoder: (r) => encoderShort(r.encoderId).toLowerCase(),
  accuracy: (r) => r.metrics.accuracy,
  f1: (r) => r.metrics.macroF1,
  rows: (r) => validationRows(r.metrics.perClass),
  when: (r) => r.createdAt,
};

const COLUMNS: { key: SortKey | null; title: string }[] = [
  { key: 'name', title: 'run' },
  { key: 'dataset', title: 'dataset' },
  { key: 'encoder', title: 'encoder' },
  { key: null, title: 'settings' },
  { key: 'rows', title: 'validation rows' },
  { key: 'accuracy', title: 'accuracy' },
  { key: 'f1', title: 'macro-F1' },
  { key: null, title: 'kept model' },
  { key: 'when', title: 'when' },
];

export interface RunsTableProps {
  runs: RunSummary[];
  selectedRunId: string | null;
  onShow(id: string): void;
  onError(err: unknown): void;
}

export function RunsTable({ runs, selectedRunId, onShow, onError }: RunsTableProps) {
  const engine = useEngine();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'when', desc: true });
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [compared, setCompared] = useState<string[]>([]);
  const [histories, setHistories] = useState<Record<string, EpochLog[]>>({});
  // Histories are not in the list: fetch each compared run's once.
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const id of compared) {
      if (requested.current.has(id)) continue;
      requested.current.add(id);
      engine.call('runs.get', { id }).then((r) => setHistories((h) => ({ ...h, [id]: r.history })), onError);
    }
  }, [compared, engine, onError]);
  // The list itself follows the engine's change events (app/stores.ts).
  const rename = (id: string, name: string) => engine.call('runs.rename', { id, name }).then(() => setEditing(null), onError);
  const shownCompared = compared.filter((id) => runs.some((r) => r.id === id));
  const sorted = [...runs].sort((a, b) => {
    const x = VALUE[sort.key](a);
    const y = VALUE[sort.key](b);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return sort.desc ? -c : c;
  });
  return (
    <section className="card" aria-labelledby="runs-heading">
      {/* Focus lands here after a delete: the pressed button is gone with its row. */}
      <h2 id="runs-heading" tabIndex={-1}>
        Your runs
      </h2>
      {runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <ScrollBox labelledBy="runs-heading">
          <table className="table" data-testid="run-list">
            <thead>
              <tr>
                {COLUMNS.map((c) =>
                  c.key === null ? (
                    <th key={c.title} scope="col">
                      {c.title}
                    </th>
                  ) : (
                    <th key={c.title} scope="col" aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                      <button
                        type="button"
                        className="sort-button"
                        data-testid={`sort-${c.key}`}
                        onClick={() => setSort((s) => ({ key: c.key!, desc: s.key === c.key ? !s.desc : c.key === 'when' || c.key === 'accuracy' || c.key === 'f1' }))}
                      >
                        {c.title}
                        <span aria-hidden="true">{sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    </th>
                  ),
                )}
                <th scope="col">
                  <span className="sr-only">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.id} data-testid="run-item" data-run-id={r.id} className={r.id === selectedRunId ? 'selected' : undefined}>
                  <td data-testid="run-name">
                    {editing?.id === r.id ? (
                      <RenameForm
                        className="row nowrap"
                        value={editing.name}
                        onChange={(name) => setEditing({ id: r.id, name })}
                        onSave={() => void rename(r.id, editing.name)}
                        onCancel={() => setEditing(null)}
                        label={`New name for ${r.name}`}
                        inputTestId="run-rename-input"
                        saveTestId="run-rename-save"
                        saveDisabled={editing.name.trim() === ''}
                        returnFocus={() => document.querySelector<HTMLElement>(`[data-run-id="${CSS.escape(r.id)}"] [data-testid="run-rename"]`)}
                      />
                    ) : (
                      <>
                        {r.name}
                        {r.imported ? ' (imported)' : ''}
                      </>
                    )}
                  </td>
                  <td>{r.datasetName}</td>
                  <td>{encoderShort(r.encoderId)}</td>
                  <td className="small">{settingsText(r)}</td>
                  <td data-testid="run-val-rows">{validationRows(r.metrics.perClass)}</td>
                  <td data-testid="run-accuracy" data-value={r.metrics.accuracy}>
                    {pct(r.metrics.accuracy)}
                  </td>
                  <td data-testid="run-f1" data-value={r.metrics.macroF1}>
                    {r.metrics.macroF1.toFixed(3)}
                  </td>
                  <td>{keptShort(r)}</td>
                  <td className="small">{new Date(r.createdAt).toLocaleString()}</td>
                  <td>
                    {/* Wraps: in one line the actions pushed Show and Delete out of view at 1280 px (the table scrolled sideways). */}
                    <div className="row run-actions">
                      <label className="checkbox small">
                        <input
                          type="checkbox"
                          data-testid="run-compare"
                          checked={compared.includes(r.id)}
                          disabled={!compared.includes(r.id) && compared.length >= MAX_COMPARED}
                          onChange={(e) => setCompared((c) => (e.target.checked ? [...c, r.id] : c.filter((x) => x !== r.id)))}
                        />
                        <span>
                          compare<span className="sr-only"> {r.name}</span>
                        </span>
                      </label>
                      <button type="button" data-testid="run-rename" aria-label={`Rename ${r.name}`} onClick={() => setEditing({ id: r.id, name: r.name })}>
                        Rename
                      </button>
                      <button type="button" data-testid="run-show" aria-label={`Show the result of ${r.name}`} onClick={() => onShow(r.id)}>
                        Show
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete ${r.name}`}
                        onClick={() => {
                          if (confirm(`Delete run “${r.name}”?`))
                            void engine.call('runs.delete', { id: r.id }).then(() => document.getElementById('runs-heading')?.focus(), onError);
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      {runs.length > 1 && shownCompared.length < 2 && <p className="muted small">Tick “compare” on two or more runs to draw their validation curves together.</p>}
      {shownCompared.length >= 2 && <ComparedCurves runs={shownCompared.map((id) => runs.find((r) => r.id === id)!)} histories={histories} />}
    </section>
  );
}

/** Validation macro-F1 and loss per epoch of the compared runs, one colour each (a converged
 * logistic regression has one point: its final scores). */
function ComparedCurves({ runs, histories }: { runs: RunSummary[]; histories: Record<string, EpochLog[]> }) {
  const series = (pick: (h: EpochLog) => number) =>
    runs.map((r, i) => ({ name: r.name, className: `s-c${i}`, values: (histories[r.id] ?? []).map(pick) }));
  return (
    <div data-testid="compare-curves" data-runs={runs.map((r) => r.id).join(',')}>
      <h3>Validation curves of {runs.length} runs</h3>
      <div className="charts">
        <LineChart title="Validation macro-F1" testId="compare-f1" yMax={1} series={series((h) => h.valMacroF1)} />
        <LineChart title="Validation loss" testId="compare-loss" series={series((h) => h.valLoss)} />
      </div>
    </div>
  );
}
