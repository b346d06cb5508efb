// Caps shared by the tokenizers, so no input can make them hang or exhaust memory.
// Listed in README "Choices and limits".

/**
 * A text is cut to this many UTF-16 code units per wanted token before it is tokenized: a 10 MB
 * field that keeps 128 tokens is never normalised or split whole (it took 10.5 s and 1.4 GB).
 * English averages ~4-5 characters per token; 16 leaves room for long words and markup, so the
 * cut never changes the kept tokens of ordinary text.
 */
export const CHARS_PER_TOKEN_LIMIT = 16;

/** vocab.txt / tokenizer.json vocabularies larger than this are refused (BERT's is 30,522; mBERT 119,547). */
export const MAX_VOCAB_ENTRIES = 500_000;

/** The prefix of `text` that can hold `maxTokens` tokens; never splits a surrogate pair. */
export function cutForTokens(text: string, maxTokens: number): string {
  if (!Number.isFinite(maxTokens)) return text;
  let end = Math.max(0, Math.floor(maxTokens)) * CHARS_PER_TOKEN_LIMIT;
  if (text.length <= end) return text;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end);
}
