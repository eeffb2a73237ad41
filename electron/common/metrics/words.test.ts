import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { continueWriterCount, countAppendedWords, countLongBenchWords, countWords, countWriterWords, endsInCountedWord } from "./words";

// Expected values computed with the official evaluation's Python code (re.findall over
// [\u4e00-\u9fff] and \b[a-zA-Z]+\b, Python 3.11), pasted here as literals.
const OFFICIAL: Array<[string, number]> = [
  ["The year 2024 had 365 days", 4],
  ["don't", 2],
  ["well-known", 2],
  ["naïve", 0],
  ["résumé", 0],
  ["snake_case", 0],
  ["abc123", 0],
  ["123", 0],
  ["中文写作", 4],
  ["我用Python写代码", 5],
  ["Python 写代码", 4],
  ["e.g. i.e.", 4],
  ["re\u0301sume\u0301", 2],
  ["café au lait", 2],
  ["hello,world", 2],
  ["hello—world", 2],
  ["  spaced   out  ", 2],
  ["", 0],
  ["x", 1],
  ["A_", 0],
  ["_A", 0],
  ["über cool", 1],
  ["I'm 25 years old.", 4],
  ["「你好」world", 3],
  ["中文，English，mixed。", 4],
  ["𝐀bc def", 1],
  ["ｆｕｌｌwidth text", 1],
  ["tab\tseparated\nlines", 3],
  ["Ωmega alpha", 1],
  ["2nd place", 1],
  ["x²", 0],
  ["co-operate re-enter", 4],
  ["O'Neill's", 3],
  ["it’s", 2],
  ["一二三 four five", 5],
];

describe("countLongBenchWords", () => {
  it.each(OFFICIAL)("counts %j as the official script does (%i)", (text, expected) => {
    expect(countLongBenchWords(text)).toBe(expected);
  });

  it("does not count digits", () => {
    expect(countLongBenchWords("1 22 333 4444")).toBe(0);
  });

  it("counts the characters of U+4E00..U+9FFF only, one each", () => {
    // U+4E00 and U+9FFF are in, U+3400 (extension A) and U+3042 (hiragana) are out.
    expect(countLongBenchWords("\u4e00\u9fff\u3400\u3042")).toBe(2);
  });

  it("agrees with a regular-expression reference on random text", () => {
    // The reference spells out Python's \b[a-zA-Z]+\b with Unicode \w = [\p{L}\p{N}_].
    const reference = (text: string) =>
      (text.match(/[\u4e00-\u9fff]/g)?.length ?? 0) + (text.match(/(?<![\p{L}\p{N}_])[a-zA-Z]+(?![\p{L}\p{N}_])/gu)?.length ?? 0);
    const alphabet = fc.constantFrom(..."ab Z_9'-é\u0301中文，. \n𝐀ﬁ²Ω".split(""), "𝐀");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join("")), (text) => {
        expect(countLongBenchWords(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
        expect(countLongBenchWords(text)).toBe(reference(text));
      }),
    );
  });
});

describe("countWriterWords", () => {
  it.each<[string, number]>([
    ["don't", 1],
    ["well-known", 1],
    ["snake_case", 1],
    ["abc123", 1],
    ["The year 2024 had 365 days", 6],
    ["naïve résumé", 2],
    ["re\u0301sume\u0301", 1],
    ["3.14 and 1,000", 3],
    ["e.g. this", 2],
    ["a - b", 2],
    ["this—that", 2],
    ["wait… what", 2],
    ["中文写作", 4],
    ["我用Python写代码", 6],
    ["中文，English，mixed。", 4],
    ["カタカナ", 4],
    ["  \n\t ", 0],
    ["-- ** !!", 0],
    ["“Quoted,” she said.", 3],
    ["x²", 1],
  ])("counts %j as %i", (text, expected) => {
    expect(countWriterWords(text)).toBe(expected);
  });

  it("selects the style by name", () => {
    expect(countWords("don't stop", "writer")).toBe(2);
    expect(countWords("don't stop", "longbench")).toBe(3);
    expect(countWords("don't stop")).toBe(2);
  });
});

describe("countAppendedWords", () => {
  const pieces = fc.array(fc.constantFrom("a", "b", " ", "'", "-", "_", "1", "中", "é", "\u0301", "。", "—", "\n", "𝐀"), { maxLength: 30 }).map((a) => a.join(""));
  for (const style of ["writer", "longbench"] as const) {
    it(`adds up to the count of the whole text (${style})`, () => {
      fc.assert(
        fc.property(pieces, pieces, (before, added) => {
          expect(countWords(before, style) + countAppendedWords(before, added, style)).toBe(countWords(before + added, style));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it("joins a word split across deltas", () => {
    expect(countAppendedWords("hello wor", "ld")).toBe(0);
    expect(countAppendedWords("hello", " world")).toBe(1);
    expect(countAppendedWords("naï", "ve", "longbench")).toBe(0);
    expect(countAppendedWords("na", "ïve", "longbench")).toBe(-1);
  });
});

describe("continueWriterCount", () => {
  const pieces = fc.array(fc.constantFrom("a", "b", " ", "'", "-", "1", "中", "é", "\u0301", "。", "—", "\n", "𝐀", "!"), { maxLength: 30 }).map((a) => a.join(""));

  it("carries one bit from text to text and adds up to the whole count", () => {
    fc.assert(
      fc.property(pieces, pieces, (before, added) => {
        const first = continueWriterCount(before, false);
        expect(first.inCountedWord).toBe(endsInCountedWord(before));
        const next = continueWriterCount(added, first.inCountedWord);
        expect(first.words + next.words).toBe(countWriterWords(before + added));
        expect(next.inCountedWord).toBe(endsInCountedWord(before + added));
      }),
      { numRuns: 3000 },
    );
  });

  it("knows a word is already counted across a split", () => {
    expect(endsInCountedWord("well-")).toBe(true);
    expect(endsInCountedWord("well ")).toBe(false);
    expect(endsInCountedWord("--")).toBe(false);
    expect(continueWriterCount("known fact", true)).toEqual({ words: 1, inCountedWord: true });
  });
});
