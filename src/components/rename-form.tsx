// The inline rename form of a list row (datasets, runs): a name field, Save and Cancel.
import { MAX_NAME_CHARS } from '../core/model/records';

export interface RenameFormProps {
  value: string;
  onChange(name: string): void;
  onSave(): void;
  onCancel(): void;
  /** Accessible name of the field. */
  label: string;
  inputTestId: string;
  saveTestId: string;
  className?: string;
  saveDisabled?: boolean;
}

export function RenameForm({ value, onChange, onSave, onCancel, label, inputTestId, saveTestId, className = 'row', saveDisabled = false }: RenameFormProps) {
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <input aria-label={label} data-testid={inputTestId} value={value} maxLength={MAX_NAME_CHARS} onChange={(e) => onChange(e.target.value)} />
      <button type="submit" data-testid={saveTestId} disabled={saveDisabled}>
        Save
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
