import { ASCII_CLASS, charClass, EAST_ASIAN, LETTER_OR_NUMBER, SEPARATOR, WORD } from "./chars";

/** Which count: "writer" counts as a word processor does, "longbench" as the LongBench-Write evaluation. */
export type CountStyle = "writer" | "longbench";

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

/**
 * A writer's count, as a word processor counts: a word is a run of characters between white space
 * (or an em dash, an ellipsis, CJK punctuation) that holds at least one letter or digit, so "don't",
 * "well-known", "snake_case", "3.14" and "e.g." are one word each and a lone "-" is none; each Han
 * ideograph or kana counts as one word on its own.
 */
export function countWriterWords(text: string): number {
  return continueWriterCount(text, false).words;
}

/**
 * The writer's count of `text` read after a text that ended inside a word already counted (or not):
 * the words it adds and whether it ends inside a counted word. A live count carries that one bit from
 * delta to delta instead of reading the text so far.
 */
export function continueWriterCount(text: string, inCountedWord: boolean): { words: number; inCountedWord: boolean } {
  let count = 0;
  let counted = inCountedWord; // the current token already holds a letter or digit
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    const flags = cp < 128 ? ASCII_CLASS[cp]! : charClass(cp);
    if (flags & EAST_ASIAN) {
      count++;
      counted = false;
    } else if (flags & SEPARATOR) {
      counted = false;
    } else if (!counted && flags & LETTER_OR_NUMBER) {
      count++;
      counted = true;
    }
  }
  return { words: count, inCountedWord: counted };
}

/** Whether a text ends inside a word the writer's count has counted (reads back to the word's start only). */
export function endsInCountedWord(text: string): boolean {
  for (let i = text.length - 1; i >= 0; i--) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xdc00 && cp <= 0xdfff && i > 0) {
      const high = text.charCodeAt(i - 1);
      if (high >= 0xd800 && high <= 0xdbff) {
        cp = (high - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
        i--;
      }
    }
    const flags = charClass(cp);
    if (flags & (EAST_ASIAN | SEPARATOR)) return false;
    if (flags & LETTER_OR_NUMBER) return true;
  }
  return false;
}

/**
 * The LongBench-Write count, equal to the official Python evaluation: the characters in U+4E00..U+9FFF
 * plus the matches of `\b[a-zA-Z]+\b`. Python's `\b` sits between a `\w` and a non-`\w` character,
 * and `\w` in a str pattern is str.isalnum() or "_" (\p{L} or \p{N}, not combining marks), so a match
 * is a maximal run of `\w` characters made only of ASCII letters. Hence "don't" and "well-known"
 * count 2, while "naïve", "snake_case", "abc123", digits, and Latin letters glued to a Han character
 * count 0. A decomposed "é" (e + U+0301) splits the word, as it does in Python. `\w` follows the
 * Unicode version of the JavaScript engine; it differs from Python 3.11's only on code points
 * assigned after Unicode 14, none of them in U+4E00..U+9FFF.
 */
export function countLongBenchWords(text: string): number {
  let count = 0;
  let inRun = false;
  let runAscii = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0x4e00 && cp <= 0x9fff) {
      count++;
      inRun = true;
      runAscii = false;
      continue;
    }
    if (isAsciiLetter(cp)) {
      if (!inRun) {
        inRun = true;
        runAscii = true;
      }
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    if ((cp < 128 ? ASCII_CLASS[cp]! : charClass(cp)) & WORD) {
      inRun = true;
      runAscii = false;
    } else if (inRun) {
      if (runAscii) count++;
      inRun = false;
    }
  }
  if (inRun && runAscii) count++;
  return count;
}

/** Counts the words of a text in the given style (default: the writer's count). */
export function countWords(text: string, style: CountStyle = "writer"): number {
  return style === "longbench" ? countLongBenchWords(text) : countWriterWords(text);
}

/** True where a count in this style splits: no word runs across this character. */
function isBoundary(code: number, style: CountStyle): boolean {
  if (code >= 0xd800 && code <= 0xdfff) return false;
  const flags = charClass(code);
  return style === "longbench" ? (flags & WORD) === 0 : (flags & (SEPARATOR | EAST_ASIAN)) !== 0;
}

/**
 * How many words `added` brings when appended to `before`: countWords(before + added) minus
 * countWords(before), computed from `added` and the last word of `before` only, so a live count
 * costs the size of each delta, not of the text so far.
 */
export function countAppendedWords(before: string, added: string, style: CountStyle = "writer"): number {
  if (added === "") return 0;
  let cut = before.length;
  while (cut > 0 && !isBoundary(before.charCodeAt(cut - 1), style)) cut--;
  if (cut === before.length) return countWords(added, style);
  const tail = before.slice(cut);
  return countWords(tail + added, style) - countWords(tail, style);
}
