// "a, b, c and 7 more": the one way messages and views name a list that may be long (labels,
// lines). With 150 intents, listing every label made messages of thousands of characters.

/** At most `max` items joined by ", ", then "and N more"; each item cut at `cutAt` characters (default: whole). */
export function listSome(items: readonly string[], max: number, cutAt = Infinity): string {
  const cut = (s: string) => (s.length > cutAt ? `${s.slice(0, cutAt)}…` : s);
  if (items.length <= max) return items.map(cut).join(', ');
  return `${items.slice(0, max).map(cut).join(', ')} and ${items.length - max} more`;
}
