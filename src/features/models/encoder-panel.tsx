// Encoder choice: the built-in USE-lite, curated Hugging Face models (size, parameters and
// license shown before anything downloads) or any BERT-family repo typed as owner/name[@rev].
// Files download once with progress and are cached in IndexedDB; afterwards they load offline.
import { useEffect, useState } from 'react';
import { useEngine, useEngineEvents } from '../../app/engine-context';
import { useEngineTask } from '../../app/use-engine-task';
import { useOnline } from '../../app/online';
import { ENCODER_PRESETS, hubEncoderId, type EncoderPreset } from '../../core/encoders/registry';
import type { CachedEncoder, EncoderId, EncoderInfo } from '../../worker/protocol';
import { ProgressBar } from '../../components/progress-bar';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes } from '../../components/format';
import { EncoderFacts } from './encoder-facts';
import { HubModelField } from './hub-model-field';

function presetId(p: EncoderPreset): EncoderId {
  return p.source === 'embedded' ? 'use-lite' : (hubEncoderId({ owner: '', name: '', repo: p.repo!, revision: p.revision ?? 'main' }) as EncoderId);
}

const PRESETS = ENCODER_PRESETS.map((p) => ({ id: presetId(p), preset: p }));

/** "hf:owner/name@main" → "owner/name", other revisions kept. */
function hubLabel(id: string): string {
  return id.replace(/^hf:/, '').replace(/@main$/, '');
}

export interface EncoderPanelProps {
  value: EncoderId;
  onChange(id: EncoderId): void;
  active: boolean;
  /** Set when the page points Hub downloads somewhere else than huggingface.co (tests). */
  hubBaseUrl?: string | null;
}

export function EncoderPanel({ value, onChange, active, hubBaseUrl = null }: EncoderPanelProps) {
  const engine = useEngine();
  const [cached, setCached] = useState<CachedEncoder[]>([]);
  const [loaded, setLoaded] = useState<Record<string, EncoderInfo>>({});
  const [progress, setProgress] = useState<{ done: number; total: number; eta: number | null; file: string | null } | null>(null);
  /** Load / Download now (its error is loading.error). */
  const loading = useEngineTask();
  const busy = loading.running;
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const online = useOnline();

  useEffect(() => {
    if (active) engine.call('encoder.cached', null).then(setCached, setError);
    // Also re-read when the network comes or goes: the offline hint depends on what is stored.
  }, [active, engine, loaded, version, online]);

  useEngineEvents((e) => {
    if (e.type === 'encoder') setLoaded((m) => ({ ...m, [e.info.id]: e.info }));
    if (e.type === 'progress' && e.task === 'download') {
      setProgress(e.done >= e.total ? null : { done: e.done, total: e.total, eta: e.etaSeconds, file: e.detail });
    }
  });

  const choose = (id: EncoderId) => {
    setError(null);
    loading.clearError();
    onChange(id);
  };

  const load = async () => {
    setError(null);
    const info = await loading.run(() => engine.call('encoder.load', { id: value }));
    // Download progress comes as the encoder's own news (a training may download it too): cleared here when this load ends.
    setProgress(null);
    if (info) setLoaded((m) => ({ ...m, [info.id]: info }));
  };

  const cancel = async () => {
    try {
      await engine.call('encoder.cancel', { id: value });
    } catch (err) {
      setError(err);
    }
  };

  const forget = async () => {
    setError(null);
    loading.clearError();
    try {
      await engine.call('encoder.forget', { id: value });
      setLoaded(({ [value]: _gone, ...rest }) => rest);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };

  // Hub models typed by hand stay pickable once cached (offline, after a reload).
  const custom = [...new Set([...cached.map((c) => c.id), value])].filter((id) => id.startsWith('hf:') && !PRESETS.some((p) => p.id === id));
  const preset = PRESETS.find((p) => p.id === value)?.preset;
  const cache = cached.find((c) => c.id === value);
  const info = loaded[value];
  // Offline, an encoder that is not stored cannot be fetched: say so before anyone clicks.
  const needsNetwork = !online && !info && !cache && !value.startsWith('hf-import:');
  return (
    <section className="card" aria-label="Encoder">
      <h2>Encoder</h2>
      <label>
        Text encoder
        <select data-testid="encoder-select" value={value} disabled={busy} onChange={(e) => choose(e.target.value as EncoderId)}>
          {PRESETS.map(({ id, preset: p }) => (
            <option key={id} value={id}>
              {p.label} · {p.sizeMB.toFixed(0)} MB · {p.license}
            </option>
          ))}
          {custom.map((id) => (
            <option key={id} value={id}>
              {hubLabel(id)} (Hugging Face)
            </option>
          ))}
        </select>
      </label>
      {preset ? (
        <>
          <p className="muted small">{preset.description}</p>
          <EncoderFacts preset={preset} />
        </>
      ) : (
        <p className="muted small" data-testid="encoder-custom">
          huggingface.co/{hubLabel(value)}: size and license are known once its file list is read; check the model card for the license.
        </p>
      )}
      <HubModelField disabled={busy} onPick={choose} />
      {hubBaseUrl && (
        <p className="muted small" data-testid="hub-base">
          Hub models come from {hubBaseUrl} (set by the page address).
        </p>
      )}
      <p data-testid="encoder-status">
        {info
          ? `Loaded: ${info.dim}-d, ${info.numLayers} layers, max ${info.maxSeqLength} tokens, ${formatBytes(info.bytes)}, weights ${info.weightsHash.slice(0, 12)}… (${info.fromCache ? 'from the browser cache' : 'downloaded'})`
          : cache
            ? `In the browser cache (${formatBytes(cache.bytes)}): loads without network.`
            : 'Not downloaded yet: it is fetched on first use.'}{' '}
        {!info && (
          <button type="button" data-testid="encoder-load" disabled={busy || needsNetwork} onClick={() => void load()}>
            {cache ? 'Load now' : 'Download now'}
          </button>
        )}
        {cache && value !== 'use-lite' && !value.startsWith('hf-import:') && (
          <button type="button" data-testid="encoder-forget" disabled={busy} onClick={() => void forget()}>
            Remove from this browser
          </button>
        )}
      </p>
      {needsNetwork && (
        <p className="warning small" role="status" data-testid="encoder-needs-network">
          Downloading {value === 'use-lite' ? 'the built-in encoder' : hubLabel(value)} needs the network, and this browser is offline. Encoders already in the
          browser cache work offline.
        </p>
      )}
      {progress && (
        <>
          <ProgressBar label={`Downloading ${progress.file ?? 'encoder'}`} done={progress.done} total={progress.total} etaSeconds={progress.eta} testId="download-progress" />
          <p className="muted small" data-testid="download-bytes">
            {formatBytes(progress.done)} of {formatBytes(progress.total)}{' '}
            <button type="button" data-testid="encoder-cancel" onClick={() => void cancel()}>
              Cancel download
            </button>
          </p>
        </>
      )}
      {cached.some((c) => c.unused) && (
        <p className="muted small" data-testid="unused-imported">
          Encoders of imported models that no run uses any more:{' '}
          {cached
            .filter((c) => c.unused)
            .map((c) => (
              <span key={c.id}>
                {c.id.slice(0, 24)}… ({formatBytes(c.bytes)}){' '}
                <button type="button" onClick={() => void engine.call('encoder.forget', { id: c.id as EncoderId }).then(() => setVersion((v) => v + 1), setError)}>
                  Remove
                </button>{' '}
              </span>
            ))}
        </p>
      )}
      {busy && !progress && (
        <p className="muted small">
          Connecting…{' '}
          <button type="button" data-testid="encoder-cancel" onClick={() => void cancel()}>
            Cancel download
          </button>
        </p>
      )}
      <ErrorMessage error={error ?? loading.error} testId="encoder-error" />
    </section>
  );
}
