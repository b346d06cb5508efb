// The stepper marks a step done only when it is (not because a later step is open), and says so to
// screen readers too.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { STEPS, Stepper, type StepId as Id } from '../../src/app/stepper';

const render = (current: Id, done: readonly Id[]) =>
  renderToStaticMarkup(createElement(Stepper<Id>, { steps: STEPS, current, done: (id: Id) => done.includes(id), onSelect: () => undefined }));
const doneTabs = (html: string) => [...html.matchAll(/data-testid="(tab-[a-z]+)" data-done="true"/g)].map((m) => m[1]);

describe('Stepper', () => {
  it('marks nothing done when the user jumps to step 3 in an empty profile', () => {
    const html = render('try', []);
    expect(doneTabs(html)).toEqual([]);
    expect(html).not.toContain('(done)');
    expect(html).toMatch(/aria-selected="true"[^>]*data-testid="tab-try"/);
  });

  it('marks the completed steps, not the current one, and names them done for screen readers', () => {
    const html = render('datasets', ['datasets', 'train']);
    expect(doneTabs(html)).toEqual(['tab-train']);
    expect(html.match(/\(done\)/g)).toHaveLength(1);
    expect(doneTabs(render('try', ['datasets', 'train']))).toEqual(['tab-datasets', 'tab-train']);
  });
});
