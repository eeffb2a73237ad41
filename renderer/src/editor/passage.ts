// A passage of the draft to rewrite: taken from the writer's selection (its Markdown and the step's
// text before and after it), and put back as one transaction the writer can undo. Pure functions of
// the editor state, so they are tested without a page.
import { closeHistory } from "@tiptap/pm/history";
import { Fragment, Slice } from "@tiptap/pm/model";
import { Selection, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import type { SelectedPassage, SelectionResult } from "../store/rewriteSlice";
import { findStepBlock, isLockedStatus } from "./extensions/stepBlock";
import { parseMarkdown, serializeMarkdown } from "./markdown";

/**
 * The selection as a passage to rewrite. It must hold some text, lie inside one step's text, and the
 * model must not be writing that step.
 */
export function passageFromSelection(state: EditorState): SelectionResult {
  const { doc } = state;
  const selection = withoutNextStart(state);
  if (selection.empty || doc.textBetween(selection.from, selection.to, " ").trim() === "") return { ok: false, key: "selection.noSelection" };
  const index = selection.$from.index(0);
  if (selection.$from.depth === 0 || selection.$to.depth === 0 || selection.$to.index(0) !== index) return { ok: false, key: "selection.acrossSteps" };
  const node = doc.child(index);
  if (node.type.name !== "stepBlock") return { ok: false, key: "selection.acrossSteps" };
  if (isLockedStatus(node.attrs.status)) return { ok: false, key: "selection.lockedStep" };
  const block = findStepBlock(doc, node.attrs.stepId as string);
  if (!block) return { ok: false, key: "selection.noSelection" };
  const from = selection.from - block.pos - 1;
  const to = selection.to - block.pos - 1;
  const markdownOf = (a: number, b: number) => (a >= b ? "" : serializeMarkdown(node.type.create(node.attrs, node.slice(a, b, true).content)));
  return {
    ok: true,
    passage: {
      stepId: node.attrs.stepId as string,
      before: markdownOf(0, from),
      selection: markdownOf(from, to),
      after: markdownOf(to, node.content.size),
      from,
      to,
      stepMarkdown: serializeMarkdown(node),
    },
  };
}

/**
 * The selection without the start of the paragraph after it: a triple click selects a paragraph up to
 * the first position of the next one (as the browser reports it), and replacing that range would join
 * the two paragraphs. The passage ends where the paragraph does.
 */
function withoutNextStart(state: EditorState): Selection {
  const { selection, doc } = state;
  const $to = selection.$to;
  if (selection.empty || !$to.parent.isTextblock || $to.parentOffset !== 0 || selection.from >= $to.start()) return selection;
  const back = Selection.findFrom(doc.resolve($to.before()), -1, true);
  if (!back || back.head <= selection.from) return selection;
  return TextSelection.between(selection.$from, doc.resolve(back.head));
}

/**
 * The transaction that puts `markdown` in place of the passage, in a history group of its own (one
 * undo brings the original back), with the new text selected. Null when the step is gone, is being
 * written, or its text changed since the passage was taken: then nothing is to be replaced.
 */
export function replacePassageTransaction(state: EditorState, passage: SelectedPassage, markdown: string): Transaction | null {
  const block = findStepBlock(state.doc, passage.stepId);
  if (!block || isLockedStatus(block.node.attrs.status) || serializeMarkdown(block.node) !== passage.stepMarkdown) return null;
  const nodes = parseMarkdown(markdown, state.schema);
  if (nodes.length === 0) return null;
  // The first and last paragraphs join the text before and after the passage, as typed text would.
  const slice = new Slice(Fragment.from(nodes), nodes[0]!.isTextblock ? 1 : 0, nodes.at(-1)!.isTextblock ? 1 : 0);
  const start = block.pos + 1 + passage.from;
  const end = block.pos + 1 + passage.to;
  const tr = closeHistory(state.tr.replace(start, end, slice));
  tr.setSelection(TextSelection.between(tr.doc.resolve(start), tr.doc.resolve(tr.mapping.map(end))));
  return tr;
}
