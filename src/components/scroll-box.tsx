// A box that scrolls what does not fit (a wide table on a phone, a long list of rejected rows).
// Scrollable content must be reachable by keyboard (WCAG 2.1.1; axe: scrollable-region-focusable),
// so the box is a named, focusable region: Tab reaches it, arrow keys scroll it.
import type { ReactNode } from 'react';

/** Named by `label`, or by the element `labelledBy` points at (a heading the box sits under). */
export function ScrollBox({ label, labelledBy, tall = false, children }: ({ label: string; labelledBy?: never } | { label?: never; labelledBy: string }) & { tall?: boolean; children: ReactNode }) {
  return (
    <div className={tall ? 'scroll table-scroll' : 'table-scroll'} tabIndex={0} role="region" aria-label={label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
