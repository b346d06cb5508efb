// A show/hide section: a button with aria-expanded that controls a region. Its open state can be
// remembered in localStorage (an expert who opened "Advanced" keeps it open after a reload).
import { useId, useState, type ReactNode } from 'react';

function readOpen(key: string | undefined, fallback: boolean): boolean {
  if (!key) return fallback;
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : v === 'true';
  } catch {
    return fallback;
  }
}

export function useDisclosure(storageKey?: string, defaultOpen = false): [boolean, (open: boolean) => void] {
  const [open, setOpenState] = useState(() => readOpen(storageKey, defaultOpen));
  const setOpen = (o: boolean) => {
    setOpenState(o);
    if (storageKey) {
      try {
        localStorage.setItem(storageKey, String(o));
      } catch {
        // Storage refused (private mode, quota): the state just is not remembered.
      }
    }
  };
  return [open, setOpen];
}

export interface DisclosureProps {
  title: ReactNode;
  /** Shown beside the title, also when closed (e.g. an estimate). */
  hint?: ReactNode;
  open: boolean;
  onToggle(open: boolean): void;
  testId: string;
  children: ReactNode;
  className?: string;
}

/** The heading holds the button, so the section keeps its place in the heading outline. */
export function Disclosure({ title, hint, open, onToggle, testId, children, className }: DisclosureProps) {
  const id = useId();
  return (
    <section className={`card disclosure ${className ?? ''}`} data-testid={testId} aria-labelledby={`${id}-button`}>
      <h2>
        <button type="button" id={`${id}-button`} className="disclosure-toggle" aria-expanded={open} aria-controls={`${id}-region`} data-testid={`${testId}-toggle`} onClick={() => onToggle(!open)}>
          <span aria-hidden="true" className="disclosure-icon">
            {open ? '▾' : '▸'}
          </span>{' '}
          {title}
        </button>
      </h2>
      {hint && <div className="muted small disclosure-hint">{hint}</div>}
      <div id={`${id}-region`} hidden={!open} data-testid={`${testId}-region`}>
        {children}
      </div>
    </section>
  );
}
