import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript, type Step } from "../../../electron/common/manuscript";
import { trackLayout } from "./trackLayout";

const step = (n: number, sectionId: string | null, words: number, reported: number | null = null): Step => ({
  id: `step-${n}`,
  sectionId,
  plan: "",
  planComplete: true,
  targetWords: null,
  content: "",
  reflection: "",
  progress: reported === null ? null : { written: reported, target: 1000, phrase: "" },
  words,
  status: "done",
});

const m = (steps: Step[]): Manuscript => ({
  ...createManuscript({ targetWords: 1000 }),
  sections: [
    { id: "sec-1", title: "Opening", brief: "", budget: 200 },
    { id: "sec-2", title: "Middle", brief: "", budget: 600 },
    { id: "sec-3", title: "End", brief: "", budget: 200 },
  ],
  steps,
});

describe("the budget track", () => {
  it("gives each section a share of the width by its budget, filled by its words", () => {
    const blocks = trackLayout(m([step(1, "sec-1", 100), step(2, "sec-1", 100), step(3, "sec-2", 150)]), null);
    expect(blocks.map((b) => [b.title, b.share, b.fill])).toEqual([
      ["Opening", 0.2, 1],
      ["Middle", 0.6, 0.25],
      ["End", 0.2, 0],
    ]);
    expect(blocks[0]!.ticks).toEqual([0.5, 1]);
  });

  it("shows words beyond a budget as overflow and keeps the fill within the block", () => {
    const [opening] = trackLayout(m([step(1, "sec-1", 260)]), null);
    expect(opening!.fill).toBe(1);
    expect(opening!.overflow).toBe(60);
  });

  it("puts a reflection marker where its step ends, with the model's count and the exact count", () => {
    const blocks = trackLayout(m([step(1, "sec-1", 100, 120), step(2, "sec-2", 300, 390)]), null);
    expect(blocks[0]!.markers).toEqual([{ stepIndex: 0, at: 0.5, reported: 120, counted: 100 }]);
    expect(blocks[1]!.markers).toEqual([{ stepIndex: 1, at: 0.5, reported: 390, counted: 400 }]);
  });

  it("marks the live position in the section the model writes, instead of a tick", () => {
    const blocks = trackLayout(m([step(1, "sec-1", 200), step(2, "sec-2", 60)]), 1);
    expect(blocks[1]!.live).toBe(0.1);
    expect(blocks[1]!.ticks).toEqual([]);
    expect(blocks[0]!.live).toBeNull();
  });

  it("adds a block for steps outside the plan, sized by their words", () => {
    const blocks = trackLayout(m([step(1, null, 250)]), null);
    expect(blocks).toHaveLength(4);
    expect(blocks[3]!.sectionId).toBeNull();
    expect(blocks[3]!.words).toBe(250);
    expect(blocks.reduce((sum, b) => sum + b.share, 0)).toBeCloseTo(1);
  });

  it("shows the sections of a plan the model is still writing", () => {
    const drafting: Manuscript = { ...createManuscript({ targetWords: 1000 }), planDraft: { text: "", sections: [{ title: "A", brief: "", budget: 300 }, { title: "B", brief: "", budget: 100 }] } };
    const blocks = trackLayout(drafting, null);
    expect(blocks.map((b) => [b.title, b.share, b.drafting])).toEqual([
      ["A", 0.75, true],
      ["B", 0.25, true],
    ]);
  });
});
