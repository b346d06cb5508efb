// The auto backend's numbers: what each backend embedded per second on this device for the
// selected encoder, which one runs, and a way to measure again. Measuring itself happens in the
// engine on the first use of an encoder (training); this panel only shows and re-triggers it.
import { useCallback, useEffect, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import type { BackendChoice, EncoderId } from '../../worker/protocol';
import { ErrorMessage } from '../../components/error-message';

export interface PerformancePanelProps {
  encoderId: EncoderId;
  active: boolean;
}

const forcedBackend = (): string | null => {
  const b = new URLSearchParams(location.search).get('backend');
  return b && b !== 'auto' ? b : null;
};

export function PerformancePanel({ encoderId, active }: PerformancePanelProps) {
  const engine = useEngine();
  const [choice, setChoice] = useState<BackendChoice | null>(null);
  const [finetune, setFinetune] = useState<BackendChoice | null>(null);
  const [measuring, setMeasuring] = useState(false);
  /** Errors of the remembered choices (Measure again's own is remeasuring.error). */
  const [error, setError] = useState<unknown>(null);
  const remeasuring = useEngineTask();
  const forced = forcedBackend();

  const refresh = useCallback(() => {
    engine.call('perf.choices', null).then((all) => {
      const mine = all.filter((c) => c.encoderId === encoderId);
      setChoice(mine.find((c) => c.task === 'embed') ?? null);
      setFinetune(mine.find((c) => c.task === 'finetune') ?? null);
    }, setError);
  }, [engine, encoderId]);

  useEffect(() => {
    if (active) refresh();
  }, [active, refresh]);

  useEngineEvents((e) => {
    if (e.type !== 'perf' || e.encoderId !== encoderId) return;
    setMeasuring(e.choice == null && !e.failed);
    if (e.choice?.task === 'embed') setChoice(e.choice);
    if (e.choice?.task === 'finetune') setFinetune(e.choice);
  });

  const remeasure = async () => {
    setError(null);
    const r = await remeasuring.run(() => engine.call('perf.auto', { encoderId, remeasure: true }));
    // `measuring` follows the engine's perf news (a Train may measure too); this request is over either way.
    setMeasuring(false);
    if (r?.choice) setChoice(r.choice);
  };

  return (
    <section className="card" aria-label="Performance" data-testid="performance-panel">
      <h2>Performance</h2>
      {forced ? (
        <p className="muted small" data-testid="perf-forced">
          Backend forced with <code>?backend={forced}</code>: nothing is measured.
        </p>
      ) : measuring ? (
        <p className="muted small" role="status" data-testid="perf-measuring">
          Timing a short embedding on each backend to pick the faster one…
        </p>
      ) : !choice ? (
        <p className="muted small" data-testid="perf-none">
          On the first use of this encoder (and of fine-tuning it), TextTune times the work on WebGPU and on WASM and keeps the faster backend for this device.
        </p>
      ) : (
        <>
          <MeasurementTable choice={choice} caption="Embedding" prefix="perf" />
          {finetune && <MeasurementTable choice={finetune} caption="Fine-tuning steps" prefix="perf-ft" />}
        </>
      )}
      {!forced && (
        <button type="button" onClick={remeasure} disabled={measuring} data-testid="perf-remeasure">
          Measure again
        </button>
      )}
      <ErrorMessage error={error ?? remeasuring.error} testId="perf-error" />
    </section>
  );
}

/** One task's measurements; `prefix` keeps the test ids of the two tables apart. */
function MeasurementTable({ choice, caption, prefix }: { choice: BackendChoice; caption: string; prefix: string }) {
  return (
    <table className="small" data-testid={`${prefix}-table`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">backend</th>
          <th scope="col">texts/s</th>
          <th scope="col" />
        </tr>
      </thead>
      <tbody>
        {choice.measurements.map((m) => (
          <tr key={m.backend} data-testid={`${prefix}-row-${m.backend}`}>
            <td>
              {m.backend}
              {m.threads != null ? ` · ${m.threads} ${m.threads === 1 ? 'thread' : 'threads'}` : ''}
              {m.adapter ? ` · ${m.adapter}` : ''}
            </td>
            <td data-testid={`${prefix}-speed-${m.backend}`}>{m.textsPerSecond != null ? m.textsPerSecond.toFixed(1) : <span title={m.error ?? undefined}>not run</span>}</td>
            <td>{m.backend === choice.chosen ? <strong data-testid={`${prefix}-chosen`}>chosen</strong> : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
