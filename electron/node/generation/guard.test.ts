import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript, type Step } from "../../common/manuscript";
import { countWriterWords } from "../../common/metrics/words";
import { SegmentGuard } from "./guard";
import { prose } from "../../common/testing/fakeWriter";

/** A manuscript with one section of `budget` words and one step being written with `content`. */
function writing(content: string, budget: number, target: number | null = 1000): Manuscript {
  const step: Step = { id: "step-1", sectionId: "sec-1", plan: "p", planComplete: true, targetWords: null, content, reflection: "", progress: null, words: countWriterWords(content), status: "writing" };
  return { ...createManuscript({ targetWords: target }), sections: [{ id: "sec-1", title: "One", brief: "", budget }], steps: [step] };
}

describe("the segment guard", () => {
  it("steered: past 30% over budget it waits for a paragraph break, past 60% it ends near the goal", () => {
    const guard = new SegmentGuard("steered");
    expect(guard.check(writing(prose(100, 1, 1000), 100), 0, 1)).toBeNull();
    // 150 words of one paragraph: over the soft limit, no break after it yet.
    const soft = prose(150, 1, 1000);
    expect(guard.check(writing(soft, 100), 0, 1)).toBeNull();
    expect(guard.check(writing(`${soft}\n\nA new paragraph begins.`, 100), 0, 1)).toBe("paragraph");
    guard.reset();
    expect(guard.check(writing(prose(200, 1, 1000), 100), 0, 1)).toBe("near-goal");
  });

  it("bounded: ends at the first sentence end past the budget, and says where", () => {
    const guard = new SegmentGuard("bounded");
    const m = writing(prose(130, 2, 1000), 100);
    expect(guard.check(m, 0, 1)).toBe("past-budget");
    const cut = guard.cutPoint(m, 0, "past-budget")!;
    expect(countWriterWords(m.steps[0]!.content.slice(0, cut))).toBeGreaterThanOrEqual(100);
    expect(countWriterWords(m.steps[0]!.content.slice(0, cut))).toBeLessThan(112);
  });

  it("target: goes on until the document passes its target, then ends at the sentence end nearest it", () => {
    const guard = new SegmentGuard("target");
    expect(guard.check(writing(prose(300, 3), 0, 300), 0, 1)).toBeNull();
    const past = writing(prose(320, 3), 0, 300);
    expect(guard.check(past, 0, 1)).toBe("near-goal");
    const cut = guard.cutPoint(past, 0, "near-goal")!;
    expect(Math.abs(countWriterWords(past.steps[0]!.content.slice(0, cut)) - 300)).toBeLessThanOrEqual(6);
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
