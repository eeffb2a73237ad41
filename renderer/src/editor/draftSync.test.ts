import { getSchema } from "@tiptap/core";
import { history, redo, undo } from "@tiptap/pm/history";
import { AllSelection, EditorState, TextSelection, type Transaction } from "@tiptap/pm/state";
import type { ReplaceStep } from "@tiptap/pm/transform";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript, type Step } from "../../../electron/common/manuscript";
import { draftExtensions } from "./extensions";
import { findStepBlock } from "./extensions/stepBlock";
import { acrossSteps, STREAM_META, streamGuardPlugin, type GuardHooks } from "./extensions/streamGuard";
import { createDraftDoc, syncDraft } from "./draftSync";
import { serializeMarkdown } from "./markdown";

const schema = getSchema(draftExtensions);

const step = (n: number, sectionId: string | null, content: string, status: Step["status"] = "done"): Step => ({
  id: `step-${n}`,
  sectionId,
  plan: "",
  planComplete: true,
  targetWords: null,
  content,
  reflection: "",
  progress: null,
  words: content.split(/\s+/).filter(Boolean).length,
  status,
});

const manuscript = (steps: Step[]): Manuscript => ({
  ...createManuscript({ targetWords: 1000 }),
  sections: [
    { id: "sec-1", title: "Opening", brief: "", budget: 500 },
    { id: "sec-2", title: "Middle", brief: "", budget: 500 },
  ],
  steps,
});

function setup(m: Manuscript, withHistory = false) {
  const shown = new Map<string, string>();
  const state = EditorState.create({ schema, doc: createDraftDoc(schema, m, shown), plugins: withHistory ? [history(), streamGuardPlugin()] : [streamGuardPlugin()] });
  return { shown, state };
}

const outline = (state: EditorState) => {
  const items: string[] = [];
  state.doc.forEach((n) => items.push(n.type.name === "sectionHeading" ? `# ${n.attrs.title}` : `${n.attrs.stepId} (${n.attrs.status}): ${serializeMarkdown(n)}`));
  return items;
};

describe("the draft follows the manuscript", () => {
  it("shows a heading where a section starts, then each step's text", () => {
    const { state } = setup(manuscript([step(1, "sec-1", "First."), step(2, "sec-1", "Second."), step(3, "sec-2", "Third *part*.")]));
    expect(outline(state)).toEqual(["# Opening", "step-1 (done): First.", "step-2 (done): Second.", "# Middle", "step-3 (done): Third *part*."]);
  });

  it("shows a character reference streamed into a plain paragraph as its character", () => {
    const m1 = manuscript([step(1, "sec-1", "She typed", "writing")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, steps: [step(1, "sec-1", "She typed &lt;content> here", "writing")] };
    const next = state.apply(syncDraft(state, m2, shown, m1)!);
    expect(next.doc.textContent).toBe("She typed <content> here");
  });

  it("streams plain words into the step being written as one inserted suffix, out of the undo history", () => {
    const m1 = manuscript([step(1, "sec-1", "Done text."), step(2, "sec-1", "The river", "writing")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, steps: [m1.steps[0]!, step(2, "sec-1", "The river ran on", "writing")] };
    const tr = syncDraft(state, m2, shown, m1)!;
    expect(tr.steps).toHaveLength(1);
    const inserted = tr.steps[0] as ReplaceStep;
    expect(inserted.slice.content.textBetween(0, inserted.slice.content.size)).toBe(" ran on");
    expect(tr.getMeta("addToHistory")).toBe(false);
    expect(tr.getMeta(STREAM_META)).toBe(true);
    const next = state.apply(tr);
    expect(next.doc.child(1)).toBe(state.doc.child(1));
    expect(outline(next)[2]).toBe("step-2 (writing): The river ran on");
  });

  it("re-reads the block when the new text brings markup or a new paragraph, replacing only what changed", () => {
    const m1 = manuscript([step(1, "sec-1", "First paragraph.\n\nSecond *ital", "writing")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, steps: [step(1, "sec-1", "First paragraph.\n\nSecond *italic* words.\n\nThird", "writing")] };
    const next = state.apply(syncDraft(state, m2, shown, m1)!);
    const block = next.doc.child(1);
    expect(block.child(0)).toBe(state.doc.child(1).child(0));
    expect(block.childCount).toBe(3);
    expect(block.child(1).child(1).marks.map((x) => x.type.name)).toEqual(["italic"]);
  });

  it("replaces a step's text that changed other than at its end (a regeneration)", () => {
    const m1 = manuscript([step(1, "sec-1", "Old text here.")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, steps: [step(1, "sec-1", "Entirely new.", "writing")] };
    const next = state.apply(syncDraft(state, m2, shown, m1)!);
    expect(outline(next)).toEqual(["# Opening", "step-1 (writing): Entirely new."]);
  });

  it("adds the heading and block of a step that starts a new section, and drops steps that went", () => {
    const m1 = manuscript([step(1, "sec-1", "One.")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, steps: [m1.steps[0]!, step(2, "sec-2", "", "planned")] };
    const s2 = state.apply(syncDraft(state, m2, shown, m1)!);
    expect(outline(s2)).toEqual(["# Opening", "step-1 (done): One.", "# Middle", "step-2 (planned): "]);
    const s3 = s2.apply(syncDraft(s2, m1, shown, m2)!);
    expect(outline(s3)).toEqual(["# Opening", "step-1 (done): One."]);
    expect(shown.has("step-2")).toBe(false);
  });

  it("moves a heading when a plan edit renames a section", () => {
    const m1 = manuscript([step(1, "sec-1", "One.")]);
    const { state, shown } = setup(m1);
    const m2 = { ...m1, sections: [{ ...m1.sections[0]!, title: "Beginning" }, m1.sections[1]!] };
    const next = state.apply(syncDraft(state, m2, shown, m1)!);
    expect(outline(next)[0]).toBe("# Beginning");
    expect(next.doc.child(1)).toBe(state.doc.child(1));
  });

  it("does nothing when the draft already shows the manuscript", () => {
    const m = manuscript([step(1, "sec-1", "One.")]);
    const { state, shown } = setup(m);
    expect(syncDraft(state, { ...m }, shown, null)).toBeNull();
  });

  it("keeps the writer's edit in another step while the model streams, and undo takes back only the writer's edit", () => {
    const m1 = manuscript([step(1, "sec-1", "Written before."), step(2, "sec-1", "Streaming", "writing")]);
    const { state, shown } = setup(m1, true);
    const first = findStepBlock(state.doc, "step-1")!;
    const typed = state.apply(state.tr.insertText(" The writer adds this.", first.pos + first.node.nodeSize - 2));
    const m2 = { ...m1, steps: [m1.steps[0]!, step(2, "sec-1", "Streaming on and on", "writing")] };
    const streamed = typed.apply(syncDraft(typed, m2, shown, m1)!);
    expect(outline(streamed).slice(1)).toEqual(["step-1 (done): Written before. The writer adds this.", "step-2 (writing): Streaming on and on"]);

    let undone: EditorState = streamed;
    expect(undo(streamed, (tr: Transaction) => (undone = streamed.apply(tr)))).toBe(true);
    expect(outline(undone).slice(1)).toEqual(["step-1 (done): Written before.", "step-2 (writing): Streaming on and on"]);
    let redone: EditorState = undone;
    redo(undone, (tr: Transaction) => (redone = undone.apply(tr)));
    expect(outline(redone)[1]).toBe("step-1 (done): Written before. The writer adds this.");
  });

  it("refuses the writer's edits to a step the model is writing, and edits that merge steps", () => {
    const m = manuscript([step(1, "sec-1", "Done."), step(2, "sec-1", "Being written", "writing")]);
    const { state } = setup(m);
    const writing = findStepBlock(state.doc, "step-2")!;
    expect(state.apply(state.tr.insertText("x", writing.pos + 2)).doc).toBe(state.doc);
    const done = findStepBlock(state.doc, "step-1")!;
    const across = state.tr.setSelection(TextSelection.create(state.doc, done.pos + 3, writing.pos + 3)).deleteSelection();
    expect(state.apply(across).doc).toBe(state.doc);
    expect(state.apply(state.tr.insertText("x", done.pos + 2)).doc).not.toBe(state.doc);
  });

  it("makes an edit across steps step by step: a deletion across two steps, and select-all then typing", () => {
    const m = manuscript([step(1, "sec-1", "The first step ends here."), step(2, "sec-1", "The second step begins here."), step(3, "sec-2", "A third one.")]);
    const { state } = setup(m);
    const one = findStepBlock(state.doc, "step-1")!;
    const two = findStepBlock(state.doc, "step-2")!;
    // From "ends" in step 1 to "begins" in step 2 (the positions of the words in their paragraphs).
    const from = one.pos + 2 + "The first step ".length;
    const to = two.pos + 2 + "The second step ".length;
    const deletion = acrossSteps(state, state.tr.setSelection(TextSelection.create(state.doc, from, to)).deleteSelection())!;
    expect(outline(state.apply(deletion)).filter((l) => l.startsWith("step"))).toEqual(["step-1 (done): The first step", "step-2 (done): begins here.", "step-3 (done): A third one."]);

    const all = state.tr.setSelection(new AllSelection(state.doc)).insertText("Only this.");
    const typed = state.apply(acrossSteps(state, all)!);
    expect(outline(typed)).toEqual(["# Opening", "step-1 (done): Only this.", "step-2 (done): ", "# Middle", "step-3 (done): "]);
  });

  it("asks the window about an edit of the step the model writes: in when it says so, dropped (and said) when not", () => {
    const m = manuscript([step(1, "sec-1", "Done."), step(2, "sec-1", "Being written", "writing")]);
    const asked: Array<[string, boolean]> = [];
    let allow = true;
    const hooks: GuardHooks = {
      lockedEdit: (stepId, across) => {
        asked.push([stepId, across]);
        return allow;
      },
      refused: () => {},
    };
    const state = EditorState.create({ schema, doc: createDraftDoc(schema, m, new Map()), plugins: [streamGuardPlugin(() => hooks)] });
    const writing = findStepBlock(state.doc, "step-2")!;
    expect(outline(state.apply(state.tr.insertText("x", writing.pos + 2)))[2]).toBe("step-2 (writing): xBeing written");
    allow = false;
    expect(state.apply(state.tr.insertText("x", writing.pos + 2)).doc).toBe(state.doc);
    const done = findStepBlock(state.doc, "step-1")!;
    expect(state.apply(state.tr.setSelection(TextSelection.create(state.doc, done.pos + 3, writing.pos + 3)).deleteSelection()).doc).toBe(state.doc);
    expect(asked).toEqual([["step-2", false], ["step-2", false], ["step-2", true]]);
  });

  it("streaming any text in any chunks ends with the draft a fresh load of the final text shows", () => {
    const pieces = fc.constantFrom("The ", "river ", "*ran* ", "**far** ", "away.", "\n\n", "# Head\n\n", "- item\n", "`code` ", "snake_case ", "5 * 3 ", "\n");
    fc.assert(
      fc.property(fc.array(pieces, { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }), (parts, cuts) => {
        const text = parts.join("");
        const m0 = manuscript([step(1, "sec-1", "Done."), step(2, "sec-1", "", "writing")]);
        const start = setup(m0);
        const shown = start.shown;
        let state = start.state;
        let previous = m0;
        let at = 0;
        let k = 0;
        while (at < text.length) {
          at = Math.min(text.length, at + cuts[k++ % cuts.length]!);
          // The parser never ends a delta with white space it is not sure of; the manuscript never does either.
          const content = text.slice(0, at).trimEnd();
          const m = { ...previous, steps: [previous.steps[0]!, step(2, "sec-1", content, "writing")] };
          const tr = syncDraft(state, m, shown, previous);
          if (tr) state = state.apply(tr);
          previous = m;
        }
        const fresh = setup(previous).state;
        expect(state.doc.eq(fresh.doc)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
