import { formatSeconds } from './format';

export interface ProgressBarProps {
  label: string;
  done: number;
  total: number;
  etaSeconds?: number | null;
  testId?: string;
}

export function ProgressBar({ label, done, total, etaSeconds = null, testId }: ProgressBarProps) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-label">
        <span>{label}</span>
        <span>
          {Math.round(fraction * 100)}%{etaSeconds !== null && fraction < 1 ? ` · ETA ${formatSeconds(etaSeconds)}` : ''}
        </span>
      </div>
      <progress max={1} value={fraction} aria-label={label} />
    </div>
  );
}
