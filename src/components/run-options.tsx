// A run as the model pickers (playground, export) list it: name, dataset, and its validation accuracy with the rows it rests on.
import type { RunSummary } from '../worker/protocol';
import { pct, validationRows } from './format';

export function RunOptions({ runs }: { runs: readonly RunSummary[] | null }) {
  return (
    <>
      {(runs ?? []).map((r) => (
        <option key={r.id} value={r.id}>
          {/* A run is named after its dataset by default: the dataset is said once. */}
          {r.name.startsWith(r.datasetName) ? r.name : `${r.name} · ${r.datasetName}`} · acc {pct(r.metrics.accuracy)} on {validationRows(r.metrics.perClass)} validation rows
        </option>
      ))}
    </>
  );
}
