// The three steps as an ARIA tablist: roving tabindex (only the selected step is in the Tab
// order), arrow keys / Home / End move and select (the panels are all mounted, so selecting on
// focus costs nothing), each tab controls its panel and the panel is labelled by its tab.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface Step<Id extends string> {
  id: Id;
  title: string;
  testId: string;
}

/** The app's three steps; the old tab routes (#playground, #export) open step 3. */
export const STEPS = [
  { id: 'datasets', title: 'Data', testId: 'tab-datasets' },
  { id: 'train', title: 'Train', testId: 'tab-train' },
  { id: 'try', title: 'Try & export', testId: 'tab-try' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export const stepTabId = (id: string) => `step-tab-${id}`;
export const stepPanelId = (id: string) => `step-panel-${id}`;

/**
 * `done` says which steps the user has actually completed (a dataset saved, a model trained): a
 * check mark for a step passed over on the way (jumping to step 3 in an empty profile) would say
 * something that is not true.
 */
export function Stepper<Id extends string>({ steps, current, done, onSelect }: { steps: readonly Step<Id>[]; current: Id; done(id: Id): boolean; onSelect(id: Id): void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const last = steps.length - 1;
    const next = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? (i === last ? 0 : i + 1) : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? (i === 0 ? last : i - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : null;
    if (next === null) return;
    e.preventDefault();
    onSelect(steps[next]!.id);
    refs.current[next]?.focus();
  };
  return (
    <nav className="stepper" aria-label="Steps">
      <div role="tablist" aria-label="Steps" className="stepper-list">
        {steps.map((s, i) => (
          <button
            key={s.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            type="button"
            id={stepTabId(s.id)}
            aria-controls={stepPanelId(s.id)}
            aria-selected={s.id === current}
            tabIndex={s.id === current ? 0 : -1}
            data-testid={s.testId}
            data-done={s.id !== current && done(s.id) ? 'true' : 'false'}
            onClick={() => onSelect(s.id)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="sr-only">Step {i + 1}: </span>
            {s.title}
            {s.id !== current && done(s.id) && <span className="sr-only"> (done)</span>}
          </button>
        ))}
      </div>
    </nav>
  );
}

/** A step's panel: labelled by its tab, hidden while another step is selected (it stays mounted). */
export function StepPanel<Id extends string>({ id, current, children }: { id: Id; current: Id; children: ReactNode }) {
  return (
    <div role="tabpanel" id={stepPanelId(id)} aria-labelledby={stepTabId(id)} hidden={id !== current}>
      {children}
    </div>
  );
}
