// The texts the auto backend times: short product-review-like sentences of 10–40 words (about
// 15–60 tokens), the lengths people classify most. Seeded, so every device times the same work.
const WORDS = (
  'the this it was is and but not very really quite so too great good bad poor fine ok nice ' +
  'terrible excellent product service delivery order price quality battery screen phone ' +
  'shoes size fit color box item seller support refund week day month arrived broke works ' +
  'love hate recommend would buy again never always after before with without for from my ' +
  'our their fast slow cheap expensive easy hard comfortable loud quiet small large light heavy'
).split(' ');

export function sampleTexts(count = 64, seed = 12345): string[] {
  let state = seed >>> 0;
  const next = () => {
    // xorshift32: tiny and deterministic
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 10 + Math.floor(next() * 31);
    const words: string[] = [];
    for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
    out.push(words.join(' ') + '.');
  }
  return out;
}
