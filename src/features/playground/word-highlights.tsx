// The explained text with each word marked by what it did to the predicted label's probability
// (occlusion, worker/explain.ts). Not colour alone: words toward the label are bold and solidly
// underlined, words against it struck through with a dashed underline; each carries its number in
// a title and in text for screen readers; a sentence lists the strongest words in words.
import type { CSSProperties, ReactNode } from 'react';
import type { Explanation } from '../../worker/protocol';

/** Changes below this (in probability) are noise: the word is left unmarked. */
const NOTICEABLE = 0.005;

function points(x: number): string {
  const v = Math.abs(x * 100);
  return `${v < 0.1 ? '<0.1' : v.toFixed(1)} points`;
}

export function WordHighlights({ explanation }: { explanation: { text: string; result: Explanation } }) {
  const { text, result } = explanation;
  const label = result.labels[result.predicted]!;
  const c = result.words.map((w) => w.contributions[result.predicted]!);
  const strongest = Math.max(NOTICEABLE, ...c.map(Math.abs));
  const parts: ReactNode[] = [];
  let at = 0;
  result.words.forEach((w, i) => {
    if (w.start > at) parts.push(text.slice(at, w.start));
    const v = c[i]!;
    const direction = Math.abs(v) < NOTICEABLE ? 'neutral' : v > 0 ? 'toward' : 'against';
    const says =
      direction === 'neutral'
        ? `no effect on ${label}`
        : `${direction === 'toward' ? '+' : '−'}${points(v)} ${direction} ${label}`;
    parts.push(
      <span
        key={w.start}
        className={`word word-${direction}`}
        data-testid="explain-word"
        data-word={w.word}
        data-direction={direction}
        data-contribution={String(v)}
        title={says}
        // Tint strength follows the size of the push; the class gives its direction.
        style={direction === 'neutral' ? undefined : ({ '--strength': String(Math.min(1, Math.abs(v) / strongest)) } as CSSProperties)}
      >
        {w.word}
        {direction !== 'neutral' && <span className="sr-only"> ({says})</span>}
      </span>,
    );
    at = w.end;
  });
  if (at < text.length) parts.push(text.slice(at));

  const ranked = result.words.map((w, i) => ({ word: w.word, v: c[i]! }));
  const toward = ranked.filter((r) => r.v >= NOTICEABLE).sort((a, b) => b.v - a.v).slice(0, 3);
  const against = ranked.filter((r) => r.v <= -NOTICEABLE).sort((a, b) => a.v - b.v).slice(0, 3);
  const list = (rs: typeof ranked) => rs.map((r) => `“${r.word}” (${points(r.v)})`).join(', ');
  return (
    <div className="explanation" data-testid="explanation">
      <h3 className="small">Why “{label}”</h3>
      <p className="explained-text" data-testid="explained-text" dir="auto">
        {parts}
      </p>
      <p className="muted small" data-testid="explain-summary">
        {toward.length > 0 ? `Pushed toward ${label}: ${list(toward)}. ` : `No single word pushed toward ${label}. `}
        {against.length > 0 ? `Against: ${list(against)}. ` : ''}
        Each number is how much {label}’s probability drops when that word is removed.
        {result.skipped > 0 ? ` Only the first ${result.words.length} words are explained (${result.skipped} more not).` : ''}{' '}
        ({result.ms.toFixed(0)} ms)
      </p>
    </div>
  );
}
