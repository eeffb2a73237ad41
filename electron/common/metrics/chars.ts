// Character classes for the word counters, looked up per code point from a lazily filled table so
// that counting a long text is one pass of integer comparisons, not a regular expression per char.

/** Python's `\w` for str patterns: str.isalnum() or "_", which is \p{L} or \p{N} (marks excluded). */
export const WORD = 1;
/** A letter or a number (\p{L}, \p{N}): what makes a writer's token count as a word. */
export const LETTER_OR_NUMBER = 2;
/** Ends a writer's token: white space, dashes and ellipses between words, CJK and fullwidth punctuation. */
export const SEPARATOR = 4;
/** A character a writer's count counts on its own: Han ideographs, kana. */
export const EAST_ASIAN = 8;
const KNOWN = 128;

const wordPattern = /^[\p{L}\p{N}_]$/u;
const letterOrNumberPattern = /^[\p{L}\p{N}]$/u;

const bmp = new Uint8Array(0x10000);
const astral = new Map<number, number>();

/** True for the characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
export function isTrimSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function isEastAsian(cp: number): boolean {
  return (
    (cp >= 0x3040 && cp <= 0x30ff) || // hiragana, katakana
    (cp >= 0x31f0 && cp <= 0x31ff) || // katakana phonetic extensions
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xff66 && cp <= 0xff9f) || // halfwidth katakana
    (cp >= 0x20000 && cp <= 0x323af) // CJK extensions B to H
  );
}

function isSeparator(cp: number): boolean {
  return (
    isTrimSpace(cp) ||
    cp === 0x2014 || // em dash: "this—that" is two words
    cp === 0x2015 ||
    cp === 0x2026 || // ellipsis
    (cp >= 0x3000 && cp <= 0x303f) || // CJK punctuation
    (cp >= 0xff01 && cp <= 0xff0f) || // fullwidth punctuation (digits and letters excluded)
    (cp >= 0xff1a && cp <= 0xff20) ||
    (cp >= 0xff3b && cp <= 0xff40) ||
    (cp >= 0xff5b && cp <= 0xff65)
  );
}

function compute(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let flags = KNOWN;
  if (wordPattern.test(ch)) flags |= WORD;
  if (letterOrNumberPattern.test(ch)) flags |= LETTER_OR_NUMBER;
  if (isSeparator(cp)) flags |= SEPARATOR;
  if (isEastAsian(cp)) flags |= EAST_ASIAN;
  return flags;
}

/** The class flags of the ASCII characters, filled at load: the counters' fast path. */
export const ASCII_CLASS = new Uint8Array(128);
for (let cp = 0; cp < 128; cp++) ASCII_CLASS[cp] = compute(cp);

/** The class flags of a code point (WORD, LETTER_OR_NUMBER, SEPARATOR, EAST_ASIAN). */
export function charClass(cp: number): number {
  if (cp < 0x10000) {
    let flags = bmp[cp]!;
    if (flags === 0) {
      flags = compute(cp);
      bmp[cp] = flags;
    }
    return flags;
  }
  let flags = astral.get(cp);
  if (flags === undefined) {
    flags = compute(cp);
    astral.set(cp, flags);
  }
  return flags;
}

/**
 * A test for "white space or one of `chars`" (each a single UTF-16 unit), for trimEndWhile: the class
 * `[\s<chars>]` of a regular expression.
 */
export function spaceOr(chars: string): (code: number) => boolean {
  const set = new Set(Array.from(chars, (c) => c.charCodeAt(0)));
  return (code) => isTrimSpace(code) || set.has(code);
}

/**
 * `text` without the characters at its end that `drop` accepts: what `text.replace(/[...]+$/u, "")`
 * gives, in one pass from the end. That pattern is quadratic: it rescans a long run of such characters
 * that does not end the text once per character of the run.
 */
export function trimEndWhile(text: string, drop: (code: number) => boolean): string {
  let end = text.length;
  while (end > 0 && drop(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}
