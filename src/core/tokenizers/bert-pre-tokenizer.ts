// BertPreTokenizer: splits normalized text into words on whitespace and isolates every punctuation
// character. "Punctuation" is BERT's: Unicode P* plus all ASCII non-alphanumeric symbols
// ($ + < = > ^ ` | ~ are symbols in Unicode but punctuation to BERT).

const PUNCT = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WORD_OR_PUNCT = new RegExp(`[^\\s${PUNCT}]+|[${PUNCT}]`, 'gu');

export function preTokenizeBert(text: string): string[] {
  return text.match(WORD_OR_PUNCT) ?? [];
}
