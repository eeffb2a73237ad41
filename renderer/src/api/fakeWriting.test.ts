import { describe, expect, it } from "vitest";
import { checkInvariants } from "../../../electron/common/manuscript";
import { countWriterWords } from "../../../electron/common/metrics/words";
import { planFor, prose, seededRandom, tokenize, writtenManuscript } from "./fakeWriting";

describe("the fake model's writing", () => {
  it("plans sections whose budgets add up to the target", () => {
    for (const target of [1000, 3000, 20000, 100000]) expect(planFor(target).reduce((sum, s) => sum + s.budget, 0)).toBe(target);
  });

  it("writes exactly the words it is asked for, in plain prose", () => {
    const text = prose(seededRandom(1), 333);
    expect(countWriterWords(text)).toBe(333);
    expect(text).not.toMatch(/[*_`#<>]/);
  });

  it("splits text into tokens that join back to it", () => {
    const text = "<content>\nThe river ran\n\nfar away.</content>";
    expect(tokenize(text).join("")).toBe(text);
  });

  it("writes a whole manuscript of its target's words that keeps every invariant", () => {
    const m = writtenManuscript(5000);
    const words = m.steps.reduce((sum, s) => sum + s.words, 0);
    expect(m.finished).toBe(true);
    expect(words).toBe(5000);
    expect(m.steps.every((s) => s.sectionId !== null && s.status === "done" && s.progress !== null)).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });
});
