import { describe, expect, it } from "vitest";
import { createManuscript } from "../manuscript/reducer";
import type { Manuscript, Step } from "../manuscript/types";
import { documentText } from "./document";

const step = (id: string, sectionId: string | null, content: string): Step => ({ id, sectionId, plan: "", planComplete: true, targetWords: null, content, reflection: "", progress: null, words: 0, status: "done" });

function manuscript(steps: Step[]): Manuscript {
  return {
    ...createManuscript({ instruction: "x" }),
    sections: [
      { id: "sec-1", title: "Opening", brief: "", budget: 100 },
      { id: "sec-2", title: "The\nEnd", brief: "", budget: 100 },
    ],
    steps,
  };
}

describe("documentText", () => {
  it("puts each section's heading where its first step begins, then the text", () => {
    const m = manuscript([step("step-1", "sec-1", "One.\n"), step("step-2", "sec-1", "Two."), step("step-3", "sec-2", "Three."), step("step-4", null, "Four.")]);
    expect(documentText(m)).toBe("## Opening\n\nOne.\n\nTwo.\n\n## The End\n\nThree.\n\nFour.");
  });

  it("leaves out empty steps and a heading the model already wrote", () => {
    const m = manuscript([step("step-1", "sec-1", "  "), step("step-2", "sec-1", "## Opening\n\nText."), step("step-3", "sec-3", "Unknown section.")]);
    expect(documentText(m)).toBe("## Opening\n\nText.\n\nUnknown section.");
  });
});
