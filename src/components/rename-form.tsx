// The inline rename form of a list row (datasets, runs): a name field, Save and Cancel.
import { useEffect, useRef } from 'react';
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
  /** The row's Rename button once the form is gone: focus goes back there (else it is lost to the page). */
  returnFocus?: () => HTMLElement | null;
}

export function RenameForm({ value, onChange, onSave, onCancel, label, inputTestId, saveTestId, className = 'row', saveDisabled = false, returnFocus }: RenameFormProps) {
  const input = useRef<HTMLInputElement>(null);
  // The row the form belongs to does not change while it is open: its first callback is the one.
  const back = useRef(returnFocus);
  useEffect(() => {
    // Rename pressed from the keyboard left focus on the page: what was typed next went nowhere.
    input.current?.focus();
    input.current?.select();
    const target = back.current;
    return () => {
      // After the list re-renders its buttons; only when focus was lost with the form (not when the user moved on).
      setTimeout(() => {
        if (document.activeElement === null || document.activeElement === document.body) target?.()?.focus();
      });
    };
  }, []);
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <input ref={input} aria-label={label} data-testid={inputTestId} value={value} maxLength={MAX_NAME_CHARS} onChange={(e) => onChange(e.target.value)} />
      <button type="submit" data-testid={saveTestId} disabled={saveDisabled}>
        Save
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
