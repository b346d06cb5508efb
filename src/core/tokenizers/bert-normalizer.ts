// BertNormalizer: the first stage of a BERT WordPiece tokenizer (tokenizer.json "normalizer").
// Order as in huggingface/tokenizers: clean text → space out CJK → (lowercase, strip accents).
// Where Rust `tokenizers` and @huggingface/tokenizers (JS) differ we follow the JS one, our parity
// oracle — except that CJK characters are tested per code point (the JS one tests UTF-16 units and
// so never spaces out astral CJK, which the Rust and the original Python BERT tokenizers do).

export interface BertNormalizerConfig {
  /** Drop control characters and U+FFFD, map every whitespace character to ' '. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. */
  handleChineseChars: boolean;
  /** null = follow `lowercase` (as tokenizer.json's "strip_accents": null does). */
  stripAccents: boolean | null;
  lowercase: boolean;
}

const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const WHITESPACE = /^\s$/;
const NONSPACING_MARK = /\p{Mn}/gu;

export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Tab, newline and carriage return are Cc but count as whitespace, not control.
    if (cp === 0 || cp === 0xfffd || (ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch))) continue;
    out += WHITESPACE.test(ch) ? ' ' : ch;
  }
  return out;
}

function spaceChineseChars(text: string): string {
  let out = '';
  for (const ch of text) out += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  return out;
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

export function normalizeBert(text: string, config: BertNormalizerConfig): string {
  let out = text;
  if (config.cleanText) out = cleanText(out);
  if (config.handleChineseChars) out = spaceChineseChars(out);
  if (config.lowercase) out = out.toLowerCase();
  if (config.stripAccents ?? config.lowercase) out = stripAccents(out);
  return out;
}
