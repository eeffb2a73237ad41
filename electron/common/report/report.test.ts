import { describe, expect, it } from "vitest";
import { createManuscript } from "../manuscript/reducer";
import type { Manuscript, Step } from "../manuscript/types";
import { countWriterWords } from "../metrics/words";
import { DEFAULT_STOCK_PHRASES, findStockPhrases, manuscriptReport, ngramTokens, normalizeStockPhrases, repetition, STOCK_PHRASE_LIMITS } from "./report";

const step = (n: number, sectionId: string | null, content: string): Step => ({
  id: `step-${n}`,
  sectionId,
  plan: "",
  planComplete: true,
  targetWords: null,
  content,
  reflection: "",
  progress: null,
  words: countWriterWords(content),
  status: "done",
});

function manuscript(steps: Step[], target: number | null = 20): Manuscript {
  return {
    ...createManuscript({ instruction: "Write about the sea.", targetWords: target, language: "en" }),
    sections: [
      { id: "sec-1", title: "Opening", brief: "", budget: 10 },
      { id: "sec-2", title: "Ending", brief: "", budget: 10 },
      { id: "sec-3", title: "Notes", brief: "", budget: 0 },
    ],
    steps,
  };
}

describe("manuscriptReport", () => {
  it("gives each section its words against its budget and their length score", () => {
    const m = manuscript([step(1, "sec-1", "one two three four five six seven eight nine ten"), step(2, "sec-2", "one two three four five"), step(3, null, "stray words here")]);
    const r = manuscriptReport(m, { stockPhrases: [] });
    expect(r.sections).toEqual([
      { id: "sec-1", title: "Opening", budget: 10, words: 10, score: 100, steps: 1 },
      { id: "sec-2", title: "Ending", budget: 10, words: 5, score: 50, steps: 1 },
      { id: "sec-3", title: "Notes", budget: 0, words: 0, score: null, steps: 0 },
    ]);
    expect(r).toMatchObject({ words: 18, target: 20, score: 100 * (1 - (20 / 18 - 1) / 2), otherWords: 3 });
  });

  it("has no document score without a target, and works on an empty manuscript", () => {
    const r = manuscriptReport({ ...createManuscript({ instruction: "x" }) });
    expect(r).toMatchObject({ words: 0, target: null, score: null, sections: [], otherWords: 0, stockPhrases: [] });
    expect(r.repetition).toMatchObject({ ngrams: 0, repeated: 0, share: 0, perStep: [], top: [] });
  });
});

describe("repetition", () => {
  it("counts the n-grams that repeat one seen earlier, per step and overall", () => {
    // Step 1: "a b c d a b c d" has 6 trigrams (abc bcd cda dab abc bcd): the second abc and bcd repeat.
    // Step 2: "a b c x" has abc (seen) and bcx (new).
    const r = repetition(["a b c d a b c d", "A, b. C x"], 3);
    expect(r.perStep).toEqual([
      { step: 1, ngrams: 6, repeated: 2, share: 2 / 6 },
      { step: 2, ngrams: 2, repeated: 1, share: 0.5 },
    ]);
    expect(r).toMatchObject({ n: 3, ngrams: 8, repeated: 3, share: 3 / 8 });
    expect(r.top).toEqual([
      { phrase: "a b c", count: 3 },
      { phrase: "b c d", count: 2 },
    ]);
  });

  it("finds a loop the model fell into", () => {
    const loop = "The tide came in and the tide went out again. ".repeat(20);
    const r = repetition(["A calm and varied opening about the sea and its many moods.", loop], 4);
    expect(r.perStep[0]!.share).toBe(0);
    expect(r.perStep[1]!.share).toBeGreaterThan(0.9);
    // Every 4-gram of the sentence comes 20 times (19 for those across its end); ties in word order.
    expect(r.top[0]).toEqual({ phrase: "and the tide went", count: 20 });
  });

  it("reads words the same whatever their case, punctuation and apostrophe, and Chinese by character", () => {
    expect(ngramTokens("It’s the SEA's edge — 3.5 km; 大海很美")).toEqual(["it's", "the", "sea's", "edge", "3", "5", "km", "大", "海", "很", "美"]);
    expect(repetition(["大海很美。大海很美。"], 4).top).toEqual([{ phrase: "大海很美", count: 2 }]);
    expect(() => repetition([], 0)).toThrow(RangeError);
  });
});

describe("stock phrases", () => {
  it("finds whole phrases in any case and spacing, with the steps they are in", () => {
    const texts = ["It is a testament to\nher will. Delve into it.", "We delve   into the past; delved into nothing.", "总而言之，这很好。我们总而言之。"];
    expect(findStockPhrases(texts, ["delve into", "A Testament to", "总而言之", "not here"])).toEqual([
      { phrase: "delve into", count: 2, steps: [1, 2] },
      { phrase: "总而言之", count: 2, steps: [3] },
      { phrase: "A Testament to", count: 1, steps: [1] },
    ]);
  });

  it("does not match inside a longer word, and treats ' and ’ alike", () => {
    expect(findStockPhrases(["unconclusion, in conclusions"], ["conclusion"])).toEqual([]);
    expect(findStockPhrases(["It’s worth noting that"], ["it's worth noting"])).toEqual([{ phrase: "it's worth noting", count: 1, steps: [1] }]);
    expect(findStockPhrases(["a (b) c.d"], ["(b)", "c.d"])).toHaveLength(2);
  });

  it("cleans the writer's list, and refuses one too long", () => {
    expect(normalizeStockPhrases(["  delve   into ", "", "Delve into", "x"])).toEqual(["delve into", "x"]);
    expect(() => normalizeStockPhrases(["x".repeat(STOCK_PHRASE_LIMITS.length + 1)])).toThrow(/at most 100 characters/);
    expect(() => normalizeStockPhrases(Array.from({ length: STOCK_PHRASE_LIMITS.phrases + 1 }, (_, i) => `p${i}`))).toThrow(/at most 200 stock phrases/);
    expect(normalizeStockPhrases(DEFAULT_STOCK_PHRASES)).toEqual(DEFAULT_STOCK_PHRASES);
  });
});
