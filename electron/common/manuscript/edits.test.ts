import { describe, expect, it } from "vitest";
import { writeTranscript } from "../iscot/transcript";
import { applyEdit, type EditResult, type ManuscriptEdit } from "./edits";
import { checkInvariants } from "./invariants";
import { parseTranscript } from "./reducer";
import type { Manuscript } from "./types";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// Step 1 writes Intro, step 2 is being written (in History); Culture and End are not written yet.
const TRANSCRIPT =
  "<global_plan>\n1. Intro (10 words): hook\n2. History (20 words)\n3. Culture (30 words)\n4. End (10 words)\n</global_plan>\n" +
  "<step_plan>Intro</step_plan><content>One two three four five six seven eight nine ten.</content><reflection>Word count: 10/70</reflection>" +
  "<step_plan>History, about 20 words</step_plan><content>Tea came";

function fixture(): Manuscript {
  return deepFreeze(parseTranscript(TRANSCRIPT, { instruction: "Write about tea.", language: "en", targetWords: 70 }).manuscript);
}

function ok(result: EditResult): Manuscript {
  if (!result.ok) throw new Error(`edit refused: ${result.error.message}`);
  expect(checkInvariants(result.manuscript)).toEqual([]);
  return result.manuscript;
}

describe("applyEdit on the plan", () => {
  it("renames a section, keeping its id, as a revision placed before the step being written", () => {
    const m = ok(applyEdit(fixture(), { type: "editSection", sectionId: "sec-3", title: "Tea culture", budget: 40 }));
    expect(m.sections[2]).toEqual({ id: "sec-3", title: "Tea culture", brief: "", budget: 40 });
    expect(m.revisions).toHaveLength(2);
    expect(m.revisions[1]).toMatchObject({ afterStep: 1, nextSectionNumber: 5 });
    // A budget the writer set is locked against rebalancing; the lock is the project's, not the transcript's.
    expect(m.memory.lockedSections).toEqual(["sec-3"]);
    expect(parseTranscript(writeTranscript(m), m).manuscript).toEqual({ ...m, memory: { ...m.memory, lockedSections: [] } });
  });

  it("folds successive edits at the same place into one revision", () => {
    let m = fixture();
    for (const title of ["T", "Te", "Tea", "Tea c", "Tea culture"]) m = ok(applyEdit(m, { type: "editSection", sectionId: "sec-3", title }));
    m = ok(applyEdit(m, { type: "editSection", sectionId: "sec-4", brief: "Close warmly." }));
    expect(m.revisions).toHaveLength(2);
    expect(m.sections.map((s) => s.title)).toEqual(["Intro", "History", "Tea culture", "End"]);
    expect(parseTranscript(writeTranscript(m), m).manuscript).toEqual(m);
  });

  it("adds, moves and removes sections that are not written, with fresh ids", () => {
    let m = ok(applyEdit(fixture(), { type: "addSection", index: 4, title: "Epilogue", brief: "A last word.", budget: 15 }));
    expect(m.sections.map((s) => s.id)).toEqual(["sec-1", "sec-2", "sec-3", "sec-4", "sec-5"]);
    m = ok(applyEdit(m, { type: "moveSection", sectionId: "sec-5", toIndex: 2 }));
    expect(m.sections.map((s) => s.title)).toEqual(["Intro", "History", "Epilogue", "Culture", "End"]);
    m = ok(applyEdit(m, { type: "removeSection", sectionId: "sec-3" }));
    expect(m.sections.map((s) => s.id)).toEqual(["sec-1", "sec-2", "sec-5", "sec-4"]);
    expect(parseTranscript(writeTranscript(m), m).manuscript).toEqual(m);
  });

  it("writes the revision in Chinese for a Chinese manuscript", () => {
    const zh = deepFreeze(parseTranscript("<global_plan>\n1. 引言（100字）\n2. 历史（200字）\n</global_plan>\n", { language: "auto", instruction: "写一篇关于茶的文章" }).manuscript);
    const m = ok(applyEdit(zh, { type: "editSection", sectionId: "sec-2", budget: 300 }));
    expect(m.revisions[1]!.text).toBe("## 引言\n字数：100字\n\n## 历史\n字数：300字");
  });

  it.each<[string, ManuscriptEdit, string]>([
    ["an unknown section", { type: "editSection", sectionId: "sec-9", title: "X" }, "unknown-section"],
    ["an empty title", { type: "editSection", sectionId: "sec-3", title: "  " }, "invalid-title"],
    ["a title on two lines", { type: "editSection", sectionId: "sec-3", title: "Tea\nculture" }, "invalid-title"],
    ["a title holding a word count", { type: "editSection", sectionId: "sec-3", title: "Top 10 words" }, "invalid-title"],
    ["a title another section has", { type: "editSection", sectionId: "sec-3", title: "history" }, "duplicate-title"],
    ["a title holding a protocol tag", { type: "editSection", sectionId: "sec-3", title: "a <content> b" }, "protocol-tag"],
    ["a brief holding a protocol tag", { type: "editSection", sectionId: "sec-3", brief: "see </global_plan>" }, "protocol-tag"],
    ["a brief that would read back as another section", { type: "editSection", sectionId: "sec-3", brief: "intro\n## Another" }, "not-representable"],
    ["a negative budget", { type: "editSection", sectionId: "sec-3", budget: -1 }, "invalid-budget"],
    ["a fractional budget", { type: "editSection", sectionId: "sec-3", budget: 2.5 }, "invalid-budget"],
    ["a new section among written ones", { type: "addSection", index: 1, title: "Prelude", budget: 5 }, "bad-position"],
    ["a new section past the end", { type: "addSection", index: 9, title: "Coda", budget: 5 }, "bad-position"],
    ["removing a written section", { type: "removeSection", sectionId: "sec-1" }, "section-written"],
    ["removing the section being written", { type: "removeSection", sectionId: "sec-2" }, "section-written"],
    ["moving a written section", { type: "moveSection", sectionId: "sec-2", toIndex: 3 }, "section-written"],
    ["moving a section before written ones", { type: "moveSection", sectionId: "sec-4", toIndex: 0 }, "bad-position"],
  ])("refuses %s", (_name, edit, kind) => {
    const m = fixture();
    const result = applyEdit(m, edit);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe(kind);
      expect(result.error.message).not.toBe("");
    }
  });
});

describe("applyEdit on steps and the target", () => {
  it("replaces a closed step's content and recounts it", () => {
    const m = ok(applyEdit(fixture(), { type: "editStep", stepId: "step-1", content: "  Tea is old.\n" }));
    expect(m.steps[0]).toMatchObject({ content: "Tea is old.", words: 3, status: "edited" });
  });

  it("redoes the sections of later steps when an edit changes how full a section is", () => {
    const text =
      "<global_plan>1. Intro (10 words)\n2. History (20 words)</global_plan>" +
      "<step_plan>Start.</step_plan><content>one two three four five six seven eight nine ten</content><reflection>r</reflection>" +
      "<step_plan>Go on.</step_plan><content>more</content><reflection>r</reflection>";
    const m0 = deepFreeze(parseTranscript(text).manuscript);
    expect(m0.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-2"]);
    // With 3 of its 10 words, Intro is no longer filled: step 2 goes on with it, as a fresh parse would say.
    const m = ok(applyEdit(m0, { type: "editStep", stepId: "step-1", content: "one two three" }));
    expect(m.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-1"]);
    expect(parseTranscript(writeTranscript(m)).manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-1"]);
    const renamed = ok(applyEdit(m0, { type: "editStep", stepId: "step-2", plan: "Back to the Intro." }));
    expect(renamed.steps[1]).toMatchObject({ sectionId: "sec-1", plan: "Back to the Intro.", status: "edited" });
  });

  it.each<[string, ManuscriptEdit, string]>([
    ["a step being written", { type: "editStep", stepId: "step-2", content: "x" }, "step-in-progress"],
    ["an unknown step", { type: "editStep", stepId: "step-7", content: "x" }, "unknown-step"],
    ["content holding a protocol tag", { type: "editStep", stepId: "step-1", content: "a </content> b" }, "protocol-tag"],
    ["a plan holding a protocol tag", { type: "editStep", stepId: "step-1", plan: "<reflection>" }, "protocol-tag"],
    ["a target of 0", { type: "setTarget", targetWords: 0 }, "invalid-target"],
    ["a fractional target", { type: "setTarget", targetWords: 2.5 }, "invalid-target"],
  ])("refuses %s", (_name, edit, kind) => {
    const result = applyEdit(fixture(), edit);
    expect(result.ok ? "ok" : result.error.kind).toBe(kind);
  });

  it("changes or clears the target", () => {
    expect(ok(applyEdit(fixture(), { type: "setTarget", targetWords: 1500 })).targetWords).toBe(1500);
    expect(ok(applyEdit(fixture(), { type: "setTarget", targetWords: null })).targetWords).toBeNull();
  });
});

describe("a new target is planned", () => {
  const budgets = (m: Manuscript) => m.sections.map((s) => [s.title, s.budget]);

  it("a raised target grows the sections not written yet, each by its share, as a revision the model reads", () => {
    // 12 words written; the plan lacks 18 (History) + 30 (Culture) + 10 (End): heading for 70.
    const m = ok(applyEdit(fixture(), { type: "setTarget", targetWords: 1500 }));
    expect(budgets(m)).toEqual([
      ["Intro", 10],
      ["History", 20],
      ["Culture", 1102],
      ["End", 368],
    ]);
    expect(m.revisions).toHaveLength(2);
    expect(m.revisions[1]!.text).toMatch(/Culture[\s\S]*1102/);
    expect(parseTranscript(writeTranscript(m), m).manuscript).toEqual(m);
  });

  it("a lowered target shrinks the sections not written yet, to 0 when the words written already reach it", () => {
    expect(budgets(ok(applyEdit(fixture(), { type: "setTarget", targetWords: 50 })))).toEqual([
      ["Intro", 10],
      ["History", 20],
      ["Culture", 15],
      ["End", 5],
    ]);
    expect(budgets(ok(applyEdit(fixture(), { type: "setTarget", targetWords: 20 }))).slice(2)).toEqual([
      ["Culture", 0],
      ["End", 0],
    ]);
  });

  it("a raised target of a draft whose every section has its words adds sections after them (an imported draft)", () => {
    const written = deepFreeze(
      parseTranscript(
        "<global_plan>\n1. Intro (10 words)\n2. End (10 words)\n</global_plan>\n" +
          "<step_plan>Intro</step_plan><content>One two three four five six seven eight nine ten.</content><reflection>Word count: 10/20</reflection>" +
          "<step_plan>End</step_plan><content>One two three four five six seven eight nine ten.</content><reflection>Word count: 20/20</reflection>",
        { instruction: "Write about tea.", language: "en", targetWords: 20 },
      ).manuscript,
    );
    const m = ok(applyEdit(written, { type: "setTarget", targetWords: 920 }));
    expect(m.sections.map((s) => [s.id, s.title, s.budget])).toEqual([
      ["sec-1", "Intro", 10],
      ["sec-2", "End", 10],
      ["sec-3", "Part 3", 300],
      ["sec-4", "Part 4", 300],
      ["sec-5", "Part 5", 300],
    ]);
    expect(m.sections[2]!.brief).toBe("Goes on from where the previous section ends.");
    // Lowered again, the new sections shrink with it.
    expect(budgets(ok(applyEdit(m, { type: "setTarget", targetWords: 320 })))).toEqual([
      ["Intro", 10],
      ["End", 10],
      ["Part 3", 100],
      ["Part 4", 100],
      ["Part 5", 100],
    ]);
  });
});
