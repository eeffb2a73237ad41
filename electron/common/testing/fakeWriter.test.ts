import { describe, expect, it } from "vitest";
import { writtenWords } from "../generation/rules";
import { checkInvariants, createManuscript } from "../manuscript";
import { countWriterWords } from "../metrics/words";
import { nextPart, prose, sectionsFor, writtenManuscript } from "./fakeWriter";

describe("the fake IS-Writer's writing", () => {
  it("plans sections whose budgets add up to the target", () => {
    for (const target of [1000, 3000, 20000, 100000]) expect(sectionsFor(target).reduce((sum, [, budget]) => sum + budget, 0)).toBe(target);
  });

  it("writes exactly the words it is asked for, in plain prose", () => {
    const text = prose(333, 1);
    expect(countWriterWords(text)).toBe(333);
    expect(text).not.toMatch(/[*_`#<>]/);
  });

  it("writes a whole manuscript of its target's words that keeps every invariant", () => {
    const m = writtenManuscript(5000);
    expect(m.finished).toBe(true);
    expect(writtenWords(m)).toBe(5000);
    expect(m.steps.every((s) => s.sectionId !== null && s.status === "done" && s.progress !== null)).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("writes the next part of a manuscript: its plan first, then steps of at most `stepWords` words in the section still short of its budget", () => {
    const m = createManuscript({ instruction: "x", targetWords: 1000, language: "en" });
    expect(nextPart(m)).toMatch(/^<global_plan>\n## Opening\nWord count: 330\n/);
    const planned = writtenManuscript(1000, { stepWords: 150 });
    expect(planned.steps.map((s) => s.words)).toEqual([150, 150, 30, 150, 150, 30, 150, 150, 40]);
    expect(planned.steps.map((s) => planned.sections.findIndex((x) => x.id === s.sectionId))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });
});
