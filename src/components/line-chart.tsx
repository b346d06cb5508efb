// A small SVG line chart: one x axis (epochs), a few named series.
import { axisTick } from './format';

export interface Series {
  name: string;
  values: number[];
  className: string;
}

export function LineChart({ title, series, yMax, testId }: { title: string; series: Series[]; yMax?: number; testId?: string }) {
  const W = 320;
  const H = 160;
  const pad = { l: 36, r: 8, t: 8, b: 22 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = yMax ?? Math.max(1e-6, ...all) * 1.05;
  const x = (i: number) => pad.l + (n <= 1 ? 0 : (i / (n - 1)) * (W - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - Math.max(0, Math.min(v, top)) / top) * (H - pad.t - pad.b);
  const ticks = [0, top / 2, top];
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} />
            <text className="tick" x={pad.l - 4} y={y(t) + 3} textAnchor="end">
              {axisTick(t)}
            </text>
          </g>
        ))}
        <text className="tick" x={(W + pad.l) / 2} y={H - 4} textAnchor="middle">
          epoch (1–{n})
        </text>
        {series.map((s) => (
          <g key={s.name} className={s.className}>
            <polyline fill="none" points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
            {s.values.map((v, i) => (
              <circle key={i} cx={x(i)} cy={y(v)} r={2.5} />
            ))}
          </g>
        ))}
      </svg>
      <div className="legend">
        {series.map((s) => (
          <span key={s.name} className={`legend-item ${s.className}`}>
            {s.name}
          </span>
        ))}
      </div>
    </figure>
  );
}
