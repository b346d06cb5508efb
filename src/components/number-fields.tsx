// A grid of labelled number inputs, each with its help text, for a settings object. Each field is
// checked as it is typed, against its own min/max/integer rule, in the user's words (its label):
// an invalid entry stays in the box (a cleared box does not become 0), is marked aria-invalid with
// the message beside it, and is not passed on; the form learns which fields are invalid.
import { useId, useState } from 'react';

export interface NumberFieldSpec<K extends string> {
  key: K;
  label: string;
  step: number;
  min: number;
  max?: number;
  help: string;
  /** Whole numbers only (default: when the step is a whole number). */
  integer?: boolean;
}

function rangeText(f: { min: number; max?: number | undefined }): string {
  return f.max === undefined ? `${f.min} or more` : `from ${f.min} to ${f.max}`;
}

/** Why `raw` (an input's text) is not a valid value of field `f`, in words; null when it is. */
export function fieldError(f: Pick<NumberFieldSpec<string>, 'label' | 'step' | 'min' | 'max' | 'integer'>, raw: string): string | null {
  const text = raw.trim();
  if (text === '') return `${f.label} is empty: enter a number ${rangeText(f)}.`;
  const n = Number(text);
  if (!Number.isFinite(n)) return `${f.label} must be a number ${rangeText(f)}, not “${text}”.`;
  if ((f.integer ?? Number.isInteger(f.step)) && !Number.isInteger(n)) return `${f.label} must be a whole number, not ${text}.`;
  if (n < f.min || (f.max !== undefined && n > f.max)) return `${f.label} must be ${f.max === undefined ? `at least ${f.min}` : `between ${f.min} and ${f.max}`}, not ${text}.`;
  return null;
}

export function NumberFields<K extends string, T extends Record<K, number>>({
  fields,
  value,
  onChange,
  onInvalid,
  testIdPrefix,
}: {
  fields: NumberFieldSpec<K>[];
  value: T;
  onChange(next: T): void;
  /** The labels of the fields now invalid (empty: all valid); called on every edit. */
  onInvalid?(labels: string[]): void;
  testIdPrefix: string;
}) {
  const id = useId();
  /** The text of each field now holding an invalid entry (the value keeps its last valid number). */
  const [drafts, setDrafts] = useState<Partial<Record<K, string>>>({});
  return (
    <>
      {fields.map((f) => {
        const draft = drafts[f.key];
        const error = draft === undefined ? null : fieldError(f, draft);
        const errorId = `${id}-${f.key}-error`;
        return (
          <label key={f.key} title={f.help}>
            {f.label}
            <input
              type="number"
              data-testid={`${testIdPrefix}-${f.key}`}
              value={draft ?? value[f.key]}
              step={f.step}
              min={f.min}
              max={f.max}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => {
                // type=number reports text it cannot parse ("1e", "abc") as "": both read as empty.
                const raw = e.target.value;
                const err = fieldError(f, raw);
                const next = { ...drafts };
                if (err) next[f.key] = raw;
                else delete next[f.key];
                setDrafts(next);
                onInvalid?.(fields.filter((x) => next[x.key] !== undefined).map((x) => x.label));
                if (!err) onChange({ ...value, [f.key]: Number(raw) });
              }}
            />
            {error ? (
              <span className="field-error small" id={errorId} data-testid={`${testIdPrefix}-${f.key}-error`}>
                {error}
              </span>
            ) : (
              <span className="muted small">{f.help}</span>
            )}
          </label>
        );
      })}
    </>
  );
}
