// Encoder choice and its files: downloaded once (with progress) and then cached in IndexedDB.
import { useEffect, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import type { CachedEncoder, EncoderId, EncoderInfo } from '../../worker/protocol';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes } from '../../components/format';

const ENCODERS: { id: EncoderId; name: string; about: string }[] = [
  {
    id: 'use-lite',
    name: 'Universal Sentence Encoder lite (512-d, ~28 MB)',
    about: 'Served by this app, cached in the browser after the first download.',
  },
];

export function EncoderPanel({ value, onChange, active }: { value: EncoderId; onChange(id: EncoderId): void; active: boolean }) {
  const engine = useEngine();
  const [cached, setCached] = useState<CachedEncoder[]>([]);
  const [info, setInfo] = useState<EncoderInfo | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number; eta: number | null } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (active) engine.call('encoder.cached', null).then(setCached, setError);
  }, [active, engine, info]);

  useEngineEvents((e) => {
    if (e.type === 'encoder' && e.info.id === value) setInfo(e.info);
    if (e.type === 'progress' && e.task === 'download') setProgress(e.done >= e.total ? null : { done: e.done, total: e.total, eta: e.etaSeconds });
  });

  const load = async () => {
    setError(null);
    try {
      setInfo(await engine.call('encoder.load', { id: value }));
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  const isCached = cached.some((c) => c.id === value);
  return (
    <section className="card" aria-label="Encoder">
      <h2>Encoder</h2>
      <label>
        Text encoder
        <select data-testid="encoder-select" value={value} onChange={(e) => onChange(e.target.value as EncoderId)}>
          {ENCODERS.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">{ENCODERS.find((e) => e.id === value)?.about}</p>
      <p data-testid="encoder-status">
        {info
          ? `Loaded: ${info.dim}-d, ${info.numLayers} layers, max ${info.maxSeqLength} tokens, weights ${info.weightsHash.slice(0, 12)}… (${info.fromCache ? 'from the browser cache' : 'downloaded'})`
          : isCached
            ? `In the browser cache (${formatBytes(cached.find((c) => c.id === value)!.bytes)}): loads without network.`
            : 'Not downloaded yet: it is fetched on first use.'}{' '}
        {!info && (
          <button type="button" data-testid="encoder-load" onClick={() => void load()}>
            {isCached ? 'Load now' : 'Download now'}
          </button>
        )}
      </p>
      {progress && <ProgressBar label="Downloading encoder" done={progress.done} total={progress.total} etaSeconds={progress.eta} testId="download-progress" />}
      <ErrorMessage error={error} />
    </section>
  );
}
