import { getSchema } from "@tiptap/core";
import { history, undo } from "@tiptap/pm/history";
import { EditorState, TextSelection, type Transaction } from "@tiptap/pm/state";
import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript, type Step } from "../../../electron/common/manuscript";
import { draftExtensions } from "./extensions";
import { findStepBlock } from "./extensions/stepBlock";
import { STREAM_META, streamGuardPlugin } from "./extensions/streamGuard";
import { createDraftDoc } from "./draftSync";
import { serializeMarkdown } from "./markdown";
import { passageFromSelection, replacePassageTransaction } from "./passage";

const schema = getSchema(draftExtensions);

const step = (n: number, content: string, status: Step["status"] = "done"): Step => ({
  id: `step-${n}`,
  sectionId: "sec-1",
  plan: "",
  planComplete: true,
  targetWords: null,
  content,
  reflection: "",
  progress: null,
  words: content.split(/\s+/).filter(Boolean).length,
  status,
});

const FIRST = "The harbor woke before the gulls. Nets lay in *grey* heaps on the quay.\n\nOld Tomas counted the boats twice.";
const SECOND = "By noon the wind had turned.";

const manuscript = (steps: Step[]): Manuscript => ({ ...createManuscript({ targetWords: 1000 }), sections: [{ id: "sec-1", title: "Dawn", brief: "", budget: 1000 }], steps });

function setup(steps = [step(1, FIRST), step(2, SECOND)]) {
  return EditorState.create({ schema, doc: createDraftDoc(schema, manuscript(steps), new Map()), plugins: [history(), streamGuardPlugin()] });
}

/** Selects `text` where it first occurs in the draft's text. */
function select(state: EditorState, text: string): EditorState {
  let found: [number, number] | null = null;
  state.doc.descendants((node, pos) => {
    if (found || !node.isText) return !found;
    const at = node.text!.indexOf(text);
    if (at >= 0) found = [pos + at, pos + at + text.length];
    return false;
  });
  if (!found) throw new Error(`"${text}" is not in one text node of the draft`);
  return state.apply(state.tr.setSelection(TextSelection.create(state.doc, found[0], found[1])));
}

const stepsOf = (state: EditorState) => ["step-1", "step-2"].map((id) => serializeMarkdown(findStepBlock(state.doc, id)!.node));

describe("a passage of the draft to rewrite", () => {
  it("is the selection's Markdown with the step's text before and after it", () => {
    const taken = passageFromSelection(select(setup(), "Old Tomas counted"));
    expect(taken).toMatchObject({ ok: true, passage: { stepId: "step-1", selection: "Old Tomas counted", stepMarkdown: FIRST } });
    if (!taken.ok) return;
    expect(taken.passage.before).toBe("The harbor woke before the gulls. Nets lay in *grey* heaps on the quay.");
    expect(taken.passage.after).toBe("the boats twice.");
  });

  it("ends where a paragraph selected by a triple click ends, not at the start of the next one", () => {
    const state = setup();
    const block = findStepBlock(state.doc, "step-1")!;
    // The browser's triple-click selection: from the first paragraph's start to the second's start.
    let second = -1;
    state.doc.nodesBetween(block.pos, block.pos + block.node.nodeSize, (node, pos) => {
      if (node.isTextblock && node.textContent.startsWith("Old Tomas")) second = pos + 1;
    });
    const tripled = state.apply(state.tr.setSelection(TextSelection.create(state.doc, block.pos + 2, second)));
    const taken = passageFromSelection(tripled);
    if (!taken.ok) throw new Error(taken.key);
    expect(taken.passage.selection).toBe("The harbor woke before the gulls. Nets lay in *grey* heaps on the quay.");
    expect(taken.passage.after).toBe("Old Tomas counted the boats twice.");
    // Replaced, the second paragraph stays a paragraph of its own.
    const tr = replacePassageTransaction(tripled, taken.passage, "A short new opening.")!;
    expect(serializeMarkdown(findStepBlock(tr.doc, "step-1")!.node)).toBe("A short new opening.\n\nOld Tomas counted the boats twice.");
  });

  it("is put in place as one change: the text outside it stays, and one undo brings the original back", () => {
    let state = select(setup(), "Nets lay in ");
    // Extend to the end of the first paragraph (over the emphasis).
    const end = state.selection.to + "grey heaps on the quay.".length;
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, state.selection.from, end)));
    const taken = passageFromSelection(state);
    if (!taken.ok) throw new Error(taken.key);
    expect(taken.passage.selection).toBe("Nets lay in *grey* heaps on the quay.");
    const original = state.doc;
    const tr = replacePassageTransaction(state, taken.passage, "The nets *slept*.\n\nA second paragraph came.")!;
    state = state.apply(tr);
    expect(stepsOf(state)).toEqual(["The harbor woke before the gulls. The nets *slept*.\n\nA second paragraph came.\n\nOld Tomas counted the boats twice.", SECOND]);
    expect(findStepBlock(state.doc, "step-2")!.node).toBe(findStepBlock(original, "step-2")!.node);
    let undone: Transaction | null = null;
    undo(state, (t) => (undone = t));
    expect(undone).not.toBeNull();
    state = state.apply(undone!);
    expect(state.doc.eq(original)).toBe(true);
  });

  it("is its own undo step, even right after the writer typed", () => {
    // The writer types just before the passage, then keeps a rewrite of it at once.
    let state = select(setup(), "Old Tomas");
    state = state.apply(state.tr.insertText("Then ", state.selection.from));
    const typed = state.doc;
    state = select(state, "Old Tomas counted the boats twice.");
    const taken = passageFromSelection(state);
    if (!taken.ok) throw new Error(taken.key);
    state = state.apply(replacePassageTransaction(state, taken.passage, "Tomas counted again.")!);
    expect(stepsOf(state)[0]).toBe("The harbor woke before the gulls. Nets lay in *grey* heaps on the quay.\n\nThen Tomas counted again.");
    undo(state, (t) => (state = state.apply(t)));
    expect(state.doc.eq(typed)).toBe(true);
  });

  it("is not replaced when its step changed since it was taken", () => {
    let state = select(setup(), "Old Tomas");
    const taken = passageFromSelection(state);
    if (!taken.ok) throw new Error(taken.key);
    state = state.apply(state.tr.insertText("Grey. ", findStepBlock(state.doc, "step-1")!.pos + 2));
    expect(replacePassageTransaction(state, taken.passage, "Someone")).toBeNull();
  });

  it("is refused with a reason: nothing selected, across two steps, a step the model is writing", () => {
    expect(passageFromSelection(setup())).toEqual({ ok: false, key: "selection.noSelection" });
    const both = setup();
    const across = both.apply(both.tr.setSelection(TextSelection.create(both.doc, findStepBlock(both.doc, "step-1")!.pos + 3, findStepBlock(both.doc, "step-2")!.pos + 5)));
    expect(passageFromSelection(across)).toEqual({ ok: false, key: "selection.acrossSteps" });
    const writing = select(setup([step(1, FIRST), step(2, SECOND, "writing")]), "By noon");
    expect(passageFromSelection(writing)).toEqual({ ok: false, key: "selection.lockedStep" });
    // The model started writing it after the passage was taken: nothing is replaced.
    const taken = passageFromSelection(select(setup(), "By noon"));
    if (!taken.ok) throw new Error(taken.key);
    const later = setup([step(1, FIRST), step(2, SECOND, "writing")]);
    expect(replacePassageTransaction(later.apply(later.tr.setMeta(STREAM_META, true)), taken.passage, "At noon")).toBeNull();
  });
});
