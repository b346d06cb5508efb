// A settings form's fields, rendered from its spec table (core/model/specs.ts): number inputs with
// their bounds and help, then the checkboxes and choices. The forms hold no default or bound of their own.
import type { FieldSpec, SpecOverrides, SpecTable } from '../core/model/specs';
import { NumberFields, type NumberFieldSpec } from './number-fields';

/** The keys of T whose values are V (numbers, booleans, strings). */
export type KeysOf<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T] & string;

/** T seen through its number fields (what NumberFields edits). */
type NumberValues<T> = T & Record<KeysOf<T, number>, number>;

export interface SpecFieldProps<T> {
  numbers: NumberFieldSpec<KeysOf<T, number>>[];
  checkboxes: { key: KeysOf<T, boolean>; label: string; default: boolean }[];
  choices: { key: KeysOf<T, string>; label: string; options: readonly string[]; default: string; help: string }[];
}

/** What the form renders for a table, with the request's overrides (a bound that depends on the encoder). */
export function specFieldProps<T>(table: SpecTable<T>, overrides: SpecOverrides<T> = {}): SpecFieldProps<T> {
  const out: SpecFieldProps<T> = { numbers: [], checkboxes: [], choices: [] };
  for (const [key, spec] of Object.entries(table) as [string, FieldSpec][]) {
    if (spec.notInForm) continue;
    switch (spec.kind) {
      case 'number': {
        const s = { ...spec, ...(overrides as Record<string, object | undefined>)[key] };
        out.numbers.push({ key: key as KeysOf<T, number>, label: s.label, step: s.step, min: s.min, ...(s.max !== undefined ? { max: s.max } : {}), help: s.help, integer: s.integer });
        break;
      }
      case 'boolean':
        out.checkboxes.push({ key: key as KeysOf<T, boolean>, label: spec.label, default: spec.default });
        break;
      case 'choice':
        out.choices.push({ key: key as KeysOf<T, string>, label: spec.label, options: spec.options, default: spec.default, help: spec.help });
        break;
    }
  }
  return out;
}

export function SpecFields<T extends object>({
  table,
  overrides,
  value,
  onChange,
  onInvalid,
  testIdPrefix,
}: {
  table: SpecTable<T>;
  overrides?: SpecOverrides<T>;
  value: T;
  onChange(next: T): void;
  onInvalid?(labels: string[]): void;
  testIdPrefix: string;
}) {
  const { numbers, checkboxes, choices } = specFieldProps(table, overrides);
  const get = (key: string): unknown => (value as Record<string, unknown>)[key];
  return (
    <>
      <NumberFields<KeysOf<T, number>, NumberValues<T>>
        fields={numbers}
        value={value as NumberValues<T>}
        onChange={(next) => onChange(next as T)}
        {...(onInvalid ? { onInvalid } : {})}
        testIdPrefix={testIdPrefix}
      />
      {choices.map((c) => (
        <label key={c.key} title={c.help}>
          {c.label}
          <select data-testid={`${testIdPrefix}-${c.key}`} value={String(get(c.key) ?? c.default)} onChange={(e) => onChange({ ...value, [c.key]: e.target.value })}>
            {c.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <span className="muted small">{c.help}</span>
        </label>
      ))}
      {checkboxes.map((c) => (
        <label key={c.key} className="checkbox">
          <input
            type="checkbox"
            data-testid={`${testIdPrefix}-${c.key}`}
            checked={(get(c.key) as boolean | undefined) ?? c.default}
            onChange={(e) => onChange({ ...value, [c.key]: e.target.checked })}
          />
          {c.label}
        </label>
      ))}
    </>
  );
}
