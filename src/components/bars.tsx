// Horizontal bars: label distribution, class probabilities.
export interface Bar {
  label: string;
  value: number;
  /** Text shown at the end of the bar. */
  text: string;
}

/** `wrap`: long labels wrap instead of being cut (intent names that differ only at the end). */
export function Bars({ bars, max, testIdPrefix, wrap = false }: { bars: Bar[]; max?: number; testIdPrefix?: string; wrap?: boolean }) {
  const top = max ?? Math.max(1e-12, ...bars.map((b) => b.value));
  return (
    <ul className={wrap ? 'bars wrap' : 'bars'}>
      {bars.map((b) => (
        <li key={b.label} data-testid={testIdPrefix ? `${testIdPrefix}${b.label}` : undefined} data-value={String(b.value)}>
          <span className="bar-label" title={b.label}>
            {b.label}
          </span>
          <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect x="0" y="0" width={Math.max(0, Math.min(100, (b.value / top) * 100))} height="10" />
          </svg>
          <span className="bar-text">{b.text}</span>
        </li>
      ))}
    </ul>
  );
}
