import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript, type Step } from "../../common/manuscript";
import { countWriterWords } from "../../common/metrics/words";
import { SegmentGuard } from "./guard";
import { prose } from "../../common/testing/fakeWriter";

/**
 * A manuscript with one section of `budget` words and one step being written with `content`; `later`
 * sections not yet written come after it (then the step does not write the last part of the plan).
 */
function writing(content: string, budget: number, target: number | null = 1000, later = 0): Manuscript {
  const step: Step = { id: "step-1", sectionId: "sec-1", plan: "p", planComplete: true, targetWords: null, content, reflection: "", progress: null, words: countWriterWords(content), status: "writing" };
  const rest = Array.from({ length: later }, (_, i) => ({ id: `sec-${i + 2}`, title: `Later ${i + 1}`, brief: "", budget: 100 }));
  return { ...createManuscript({ targetWords: target }), sections: [{ id: "sec-1", title: "One", brief: "", budget }, ...rest], steps: [step] };
}

const words = (m: Manuscript, cut: number | null) => countWriterWords(m.steps[0]!.content.slice(0, cut ?? undefined));

describe("the segment guard", () => {
  it("steered: past 30% over budget it waits for a paragraph break, past 60% it ends near the goal", () => {
    const guard = new SegmentGuard("steered");
    expect(guard.check(writing(prose(100, 1, 1000), 100, 1000, 1), 0, 1)).toBeNull();
    // 150 words of one paragraph: over the soft limit, no break after it yet.
    const soft = prose(150, 1, 1000);
    expect(guard.check(writing(soft, 100, 1000, 1), 0, 1)).toBeNull();
    expect(guard.check(writing(`${soft}\n\nA new paragraph begins.`, 100, 1000, 1), 0, 1)).toBe("paragraph");
    guard.reset();
    expect(guard.check(writing(prose(200, 1, 1000), 100, 1000, 1), 0, 1)).toBe("near-goal");
  });

  it("steered: the last part of the plan is never cut mid-paragraph by its budget, and ends at a paragraph end once the document has its length", () => {
    const guard = new SegmentGuard("steered");
    // 60% over its budget, but it writes the last part: it waits for its paragraph to end.
    const long = prose(200, 1, 1000);
    expect(guard.check(writing(long, 100), 0, 1)).toBeNull();
    expect(guard.check(writing(`${long}\n\nAnd then.`, 100), 0, 1)).toBe("paragraph");
    // The document reaches its target (less 2%) with the step past its budget, inside a paragraph: it
    // ends where that paragraph ends.
    guard.reset();
    const near = prose(985, 5, 2000);
    expect(guard.check(writing(near, 900), 0, 1)).toBeNull();
    const m = writing(`${near} more words to end it.\n\nThe next one`, 900);
    expect(guard.check(m, 0, 1)).toBe("paragraph");
    expect(words(m, guard.cutPoint(m, 0, "paragraph"))).toBe(990);
    // Within its budget it is not cut at a paragraph end: it reaches its own end.
    guard.reset();
    expect(guard.check(writing(near, 1000), 0, 1)).toBeNull();
    expect(guard.check(writing(`${near} more words to end it.\n\nThe next one`, 1000), 0, 1)).toBeNull();
  });

  it("every policy: past the hard cap (15% over the target, less the floors of the sections still unwritten) the step is cut at a paragraph or sentence end within it", () => {
    for (const policy of ["steered", "bounded", "target"] as const) {
      const guard = new SegmentGuard(policy);
      // The last part: the cap is 1150 words for a target of 1000.
      const m = writing(prose(1160, 6, 100), 0);
      expect(guard.check(m, 0, 1)).toBe("cap");
      const kept = words(m, guard.cutPoint(m, 0, "cap"));
      expect(kept).toBeGreaterThanOrEqual(980);
      expect(kept).toBeLessThanOrEqual(1150);
      expect(m.steps[0]!.content.slice(0, guard.cutPoint(m, 0, "cap")!)).toMatch(/\.$/);
      // Two sections still to write after it keep their floor (30 words each): the cap is 1090.
      guard.reset();
      const early = writing(prose(1100, 6, 100), 0, 1000, 2);
      expect(guard.check(early, 0, 1)).toBe("cap");
      expect(words(early, guard.cutPoint(early, 0, "cap"))).toBeLessThanOrEqual(1090);
    }
  });

  it("the last part 10% past the target with no paragraph end ends at its sentence end nearest the target, never below the document's length", () => {
    for (const policy of ["steered", "bounded", "target"] as const) {
      const guard = new SegmentGuard(policy);
      // One paragraph of 1,110 words (prose breaks paragraphs every 2,000 here) for a target of 1,000.
      const m = writing(prose(1110, 7, 2000), 0);
      expect(guard.check(m, 0, 1)).toBe("ending");
      const kept = words(m, guard.cutPoint(m, 0, "ending"));
      expect(kept).toBeGreaterThanOrEqual(980);
      expect(kept).toBeLessThanOrEqual(1012);
    }
  });

  it("a part before the last ends near what the target leaves it: the sections after it keep their floor", () => {
    const guard = new SegmentGuard("steered");
    // A budget of 2,000 (never past it), two sections of 100 after it: it ends near 1,000 - 2 × 30 words.
    const m = writing(prose(960, 8, 2000), 2000, 1000, 2);
    expect(guard.check(m, 0, 1)).toBe("near-goal");
    expect(Math.abs(words(m, guard.cutPoint(m, 0, "near-goal")) - 940)).toBeLessThanOrEqual(12);
  });

  it("a section's first step keeps its floor even past what the target leaves it; a second step of a section does not", () => {
    // 990 of 1,000 words written in section 1; section 2 is written now, two sections after it (floors of 30).
    const before: Step = { id: "step-1", sectionId: "sec-1", plan: "p", planComplete: true, targetWords: null, content: prose(990, 9, 2000), reflection: "", progress: null, words: 990, status: "done" };
    const at = (sectionId: string, content: string): Manuscript => {
      const step: Step = { ...before, id: "step-2", sectionId, content, words: countWriterWords(content), status: "writing" };
      const sections = [1, 2, 3, 4].map((n) => ({ id: `sec-${n}`, title: `S${n}`, brief: "", budget: 250 }));
      return { ...createManuscript({ targetWords: 1000 }), sections, steps: [before, step] };
    };
    const cut = (m: Manuscript, end: number | null) => countWriterWords(m.steps[1]!.content.slice(0, end ?? undefined));
    const guard = new SegmentGuard("steered");
    // 20 words: below the floor, it goes on.
    expect(guard.check(at("sec-2", prose(20, 3, 2000)), 1, 1)).toBeNull();
    // 60 words: it ends, at the first sentence end past the floor (the nearest to the goal would keep a few words).
    const long = at("sec-2", prose(60, 3, 2000));
    expect(guard.check(long, 1, 1)).toBe("near-goal");
    const kept = cut(long, guard.cutPoint(long, 1, "near-goal"));
    expect(kept).toBeGreaterThanOrEqual(30);
    expect(kept).toBeLessThan(45);
    // A second step of section 1 has no floor of its own: it ends near the goal at once.
    expect(guard.check(at("sec-1", prose(20, 3, 2000)), 1, 1)).toBe("near-goal");
  });

  it("bounded: ends at the first sentence end past the budget, and says where; the last part runs on to a paragraph end", () => {
    const guard = new SegmentGuard("bounded");
    const m = writing(prose(130, 2, 1000), 100, 1000, 1);
    expect(guard.check(m, 0, 1)).toBe("past-budget");
    const cut = guard.cutPoint(m, 0, "past-budget")!;
    expect(words(m, cut)).toBeGreaterThanOrEqual(100);
    expect(words(m, cut)).toBeLessThan(112);
    guard.reset();
    expect(guard.check(writing(prose(130, 2, 1000), 100), 0, 1)).toBeNull();
    expect(guard.check(writing(`${prose(130, 2, 1000)}\n\nNext.`, 100), 0, 1)).toBe("paragraph");
  });

  it("target: goes on past the target to the end of the paragraph it is in, no further", () => {
    const guard = new SegmentGuard("target");
    expect(guard.check(writing(prose(290, 3, 1000), 0, 300), 0, 1)).toBeNull();
    const past = writing(prose(320, 3, 1000), 0, 300);
    expect(guard.check(past, 0, 1)).toBeNull();
    const next = writing(`${prose(320, 3, 1000)}\n\nA new paragraph`, 0, 300);
    expect(guard.check(next, 0, 1)).toBe("paragraph");
    expect(words(next, guard.cutPoint(next, 0, "paragraph"))).toBe(320);
  });

  it("finds a loop every few tokens and cuts it after its first occurrence, in every policy", () => {
    const looping = `${prose(30, 4)} ${"The tide came in and the tide went out again. ".repeat(10)}`;
    for (const policy of ["steered", "bounded", "target"] as const) {
      const guard = new SegmentGuard(policy);
      const m = writing(looping, 5000, 10000);
      // Looked for once 24 tokens have come.
      expect(guard.check(m, 0, 10)).toBeNull();
      expect(guard.check(m, 0, 14)).toBe("loop");
      const kept = looping.slice(0, guard.cutPoint(m, 0, "loop")!);
      expect(kept.match(/The tide came in/g)).toHaveLength(1);
    }
  });
});
