// A grid of labelled number inputs, each with its help text, for a settings object.
export interface NumberFieldSpec<K extends string> {
  key: K;
  label: string;
  step: number;
  min: number;
  max?: number;
  help: string;
}

export function NumberFields<K extends string, T extends Record<K, number>>({
  fields,
  value,
  onChange,
  testIdPrefix,
}: {
  fields: NumberFieldSpec<K>[];
  value: T;
  onChange(next: T): void;
  testIdPrefix: string;
}) {
  return (
    <>
      {fields.map((f) => (
        <label key={f.key} title={f.help}>
          {f.label}
          <input
            type="number"
            data-testid={`${testIdPrefix}-${f.key}`}
            value={value[f.key]}
            step={f.step}
            min={f.min}
            max={f.max}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isFinite(n)) onChange({ ...value, [f.key]: n });
            }}
          />
          <span className="muted small">{f.help}</span>
        </label>
      ))}
    </>
  );
}
