// The summary of a run: S_l per bucket and overall, its lowest item, and the documents that ended with a
// planned section unwritten (the controller must never leave one).
import { describe, expect, it } from "vitest";
import { formatSummary } from "./longbenchWrite";
import { summarize, type EvalRecord } from "./results";

const record = (index: number, score: number, unwrittenSections?: string[]): EvalRecord => ({
  index,
  required: 1000,
  produced: 1000,
  score,
  bucket: "500-2k",
  status: "finished",
  ...(unwrittenSections ? { unwrittenSections } : {}),
});

describe("summarize", () => {
  it("names the lowest item and every document that ended with a planned section unwritten", () => {
    const summary = summarize([record(1, 99), record(2, 91.5, ["Epilogue", "Notes"]), record(3, 97, []), record(4, 98)], { prompting: "draftline", mode: null, parallel: 1, seconds: 1 });
    expect(summary.score).toBeCloseTo((99 + 91.5 + 97 + 98) / 4);
    expect(summary.lowest).toEqual({ index: 2, score: 91.5 });
    expect(summary.unfinishedPlans).toEqual([{ index: 2, sections: ["Epilogue", "Notes"] }]);
    const text = formatSummary(summary, { out: "r.jsonl", pred: "r.pred.jsonl", summary: "r.summary.json" });
    expect(text).toContain("lowest S_l 91.50 (prompt 2)");
    expect(text).toContain("1 of 4 documents ended with a planned section unwritten:\n  prompt 2: 'Epilogue', 'Notes'");
  });

  it("has no lowest item and no unfinished plan for an empty run", () => {
    const summary = summarize([], { prompting: "raw", mode: null, parallel: 1, seconds: 0 });
    expect(summary.lowest).toBeNull();
    expect(summary.unfinishedPlans).toEqual([]);
  });
});
