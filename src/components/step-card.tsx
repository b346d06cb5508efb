// A step's first card: its heading takes focus when the app moves to the step (app.tsx focuses
// the panel's `h2[tabindex]`), and names the card for screen readers.
import type { ReactNode } from 'react';

export function StepCard({ headingId, title, className, children }: { headingId: string; title: string; className?: string; children: ReactNode }) {
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        {title}
      </h2>
      {children}
    </section>
  );
}
