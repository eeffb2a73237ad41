import { describe, expect, it } from "vitest";
import type { GenerationState, GenerationUpdate } from "../../../electron/common/api";
import { applyEdit, createManuscript, type Manuscript, type Step } from "../../../electron/common/manuscript";
import { applyGenerationUpdate, mergeGenerationUpdates, reconcileManuscript } from "./generationUpdates";

const step = (n: number, content: string, status: Step["status"] = "done"): Step => ({
  id: `step-${n}`,
  sectionId: "sec-1",
  plan: `plan ${n}`,
  planComplete: true,
  targetWords: null,
  content,
  reflection: "",
  progress: null,
  words: content.split(/\s+/).filter(Boolean).length,
  status,
});

const state = (target: number | null = 1000): GenerationState => ({
  projectId: "p",
  status: "writing",
  mode: null,
  progress: { words: 0, target, projectedScore: null, tokensPerSecond: 0, elapsedMs: 0, currentStep: null, phase: "content", contextTokens: 0, contextSize: 0, tokensDecoded: 0, tokensGenerated: 0 },
  edits: [],
  error: null,
  notes: [],
});

const update = (fields: Partial<GenerationUpdate>): GenerationUpdate => ({ projectId: "p", version: 1, state: state(), steps: [], stepCount: 0, finished: false, ...fields });

const withSteps = (steps: Step[]): Manuscript => ({ ...createManuscript({ targetWords: 1000 }), sections: [{ id: "sec-1", title: "One", brief: "", budget: 1000 }], steps });

describe("applying a generation update", () => {
  it("replaces the steps it names and keeps the others' objects", () => {
    const m = withSteps([step(1, "a b"), step(2, "c", "writing")]);
    const { manuscript, outOfSync } = applyGenerationUpdate(m, update({ steps: [{ index: 1, step: step(2, "c d e", "writing") }], stepCount: 2 }));
    expect(outOfSync).toBe(false);
    expect(manuscript.steps[0]).toBe(m.steps[0]);
    expect(manuscript.steps[1]!.content).toBe("c d e");
    expect(manuscript.sections).toBe(m.sections);
  });

  it("appends a new step and cuts steps past the step count (a regeneration)", () => {
    const m = withSteps([step(1, "a"), step(2, "b"), step(3, "c")]);
    expect(applyGenerationUpdate(m, update({ stepCount: 1 })).manuscript.steps.map((s) => s.id)).toEqual(["step-1"]);
    const grown = applyGenerationUpdate(m, update({ steps: [{ index: 3, step: step(4, "", "planned") }], stepCount: 4 })).manuscript;
    expect(grown.steps.map((s) => s.id)).toEqual(["step-1", "step-2", "step-3", "step-4"]);
  });

  it("says it is out of step when an update names a step this copy never had", () => {
    const m = withSteps([step(1, "a")]);
    expect(applyGenerationUpdate(m, update({ steps: [{ index: 3, step: step(4, "x") }], stepCount: 4 })).outOfSync).toBe(true);
  });

  it("returns the same manuscript when nothing in it changed", () => {
    const m = withSteps([step(1, "a")]);
    expect(applyGenerationUpdate(m, update({ stepCount: 1 })).manuscript).toBe(m);
  });

  it("shows the sections of a global plan while the model writes it", () => {
    const m = createManuscript({ targetWords: 1000 });
    const { manuscript } = applyGenerationUpdate(m, update({ planDraftText: "## Opening\nWord count: 400\n\n## Middle\nWord count: 600\n" }));
    expect(manuscript.planDraft?.sections.map((s) => [s.title, s.budget])).toEqual([
      ["Opening", 400],
      ["Middle", 600],
    ]);
    expect(applyGenerationUpdate(manuscript, update({ planDraftText: null })).manuscript.planDraft).toBeNull();
  });

  it("takes the back end's plan revisions, so a new section gets the next free id", () => {
    const m = createManuscript({ targetWords: 1000 });
    const sections = [
      { id: "sec-1", title: "One", brief: "", budget: 500 },
      { id: "sec-3", title: "Three", brief: "", budget: 500 },
    ];
    const plan = update({ sections, revisions: [{ afterStep: 0, text: "## One\n\n## Three", sections, nextSectionNumber: 4 }] });
    const next = applyGenerationUpdate(m, plan).manuscript;
    expect(next.sections.map((s) => s.id)).toEqual(["sec-1", "sec-3"]);
    expect(next.revisions.at(-1)?.nextSectionNumber).toBe(4);
    expect(applyGenerationUpdate(next, { ...plan, sections: next.sections.map((s) => ({ ...s })) }).manuscript).toBe(next);
    const added = applyEdit(next, { type: "addSection", index: 2, title: "Four", budget: 100 });
    expect(added.ok && added.manuscript.sections.at(-1)?.id).toBe("sec-4");
  });
});

describe("merging the updates of one frame", () => {
  it("keeps the latest version of each step and the latest state", () => {
    const a = update({ version: 1, steps: [{ index: 0, step: step(1, "a") }], stepCount: 1 });
    const b = update({ version: 2, steps: [{ index: 0, step: step(1, "a b") }, { index: 1, step: step(2, "c", "planned") }], stepCount: 2 });
    const merged = mergeGenerationUpdates(a, b);
    expect(merged.version).toBe(2);
    expect(merged.steps.map((s) => [s.index, s.step.content])).toEqual([
      [0, "a b"],
      [1, "c"],
    ]);
  });

  it("drops an earlier step that the later update cut off, and keeps the earlier plan when the later one has none", () => {
    const a = update({ steps: [{ index: 2, step: step(3, "old") }], stepCount: 3, sections: [{ id: "sec-1", title: "One", brief: "", budget: 10 }], planDraftText: "x" });
    const b = update({ steps: [], stepCount: 2 });
    const merged = mergeGenerationUpdates(a, b);
    expect(merged.steps).toEqual([]);
    expect(merged.stepCount).toBe(2);
    expect(merged.sections?.[0]?.title).toBe("One");
    expect(merged.planDraftText).toBe("x");
  });

  it("applying the merge equals applying both in turn", () => {
    const m = withSteps([step(1, "a")]);
    const a = update({ steps: [{ index: 0, step: step(1, "a b") }, { index: 1, step: step(2, "c", "writing") }], stepCount: 2 });
    const b = update({ steps: [{ index: 1, step: step(2, "c d", "writing") }], stepCount: 2, finished: false });
    const oneByOne = applyGenerationUpdate(applyGenerationUpdate(m, a).manuscript, b).manuscript;
    const merged = applyGenerationUpdate(m, mergeGenerationUpdates(a, b)).manuscript;
    expect(merged).toEqual(oneByOne);
  });
});

describe("taking a whole manuscript from the back end", () => {
  it("keeps this copy's objects where nothing changed, and takes what did", () => {
    const m = withSteps([step(1, "a b"), step(2, "c")]);
    const sent: Manuscript = JSON.parse(JSON.stringify(m));
    expect(reconcileManuscript(m, sent)).toBe(m);
    sent.steps[1] = { ...sent.steps[1]!, content: "c d", words: 2, status: "edited" };
    const next = reconcileManuscript(m, sent);
    expect(next).not.toBe(m);
    expect(next.steps[0]).toBe(m.steps[0]);
    expect(next.steps[1]).toEqual(sent.steps[1]);
    expect(next.sections).toBe(m.sections);
  });

  it("takes a voice sample the back end has and this copy lacks, and drops one it removed", () => {
    const m = withSteps([step(1, "a b")]);
    const voiced: Manuscript = { ...JSON.parse(JSON.stringify(m)), voice: { document: "Mine.", sections: {} } };
    const next = reconcileManuscript(m, voiced);
    expect(next.voice).toEqual({ document: "Mine.", sections: {} });
    expect(next.steps[0]).toBe(m.steps[0]);
    expect(reconcileManuscript(next, JSON.parse(JSON.stringify(voiced)))).toBe(next);
    expect("voice" in reconcileManuscript(next, JSON.parse(JSON.stringify(m)))).toBe(false);
  });
});
