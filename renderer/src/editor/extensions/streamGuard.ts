import { Extension } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey, TextSelection, type EditorState, type Transaction } from "@tiptap/pm/state";
import { ReplaceStep } from "@tiptap/pm/transform";
import type { EditorView } from "@tiptap/pm/view";
import { isLockedStatus } from "./stepBlock";

/** Marks a transaction as the model's text (or the draft following the manuscript), not the writer's. */
export const STREAM_META = "draftline.stream";

/** Why a writer's edit did not go in as made (the window says so at the cursor). */
export type RefusedEdit = "locked" | "acrossLive" | "shape";

/** What the draft asks the window about the writer's edits (DraftController answers). */
export interface GuardHooks {
  /**
   * The writer's edit touches a step the model writes (`across`: an edit across several steps).
   * True lets it in — the window pauses the model first where it writes — false drops it (and says why).
   */
  lockedEdit(stepId: string, across: boolean, pos: number): boolean;
  /** An edit that could not go in: where it was made, and why. */
  refused(reason: RefusedEdit, pos: number): void;
}

const sameSkeleton = (a: PmNode, b: PmNode) => {
  if (a.childCount !== b.childCount) return false;
  for (let i = 0; i < a.childCount; i++) {
    const x = a.child(i);
    const y = b.child(i);
    if (x.type !== y.type || x.attrs.stepId !== y.attrs.stepId || x.attrs.sectionId !== y.attrs.sectionId || x.attrs.status !== y.attrs.status) return false;
  }
  return true;
};

/** The top-level nodes a range touches: their position and node. */
function touched(doc: PmNode, from: number, to: number): Array<{ pos: number; node: PmNode }> {
  const out: Array<{ pos: number; node: PmNode }> = [];
  doc.forEach((node, pos) => {
    if (pos < to && pos + node.nodeSize > from) out.push({ pos, node });
  });
  return out;
}

/**
 * An edit across steps made step by step: the part of the range inside each step's text is deleted
 * there (steps and headings stay: the draft's shape follows the plan), and what the edit inserted goes
 * where it began, in the first step it touches. Null when the edit is not one replacement of a range.
 */
export function acrossSteps(state: EditorState, tr: Transaction): Transaction | null {
  const first = tr.steps[0];
  if (!(first instanceof ReplaceStep)) return null;
  const { from, to, slice } = first as ReplaceStep & { from: number; to: number };
  const nodes = touched(state.doc, from, to === from ? from + 1 : to);
  const steps = nodes.filter((n) => n.node.type.name === "stepBlock");
  if (steps.length === 0) return null;
  const build = (insert: (out: Transaction, at: number) => void): Transaction => {
    const out = state.tr;
    for (const { pos, node } of [...steps].reverse()) {
      const start = pos + 1;
      const end = pos + node.nodeSize - 1;
      // Inside the step's first and last paragraph, so the step keeps at least one.
      let a = Math.max(from, start);
      let b = Math.min(to, end);
      if (a === start) a = start + 1;
      if (b === end) b = end - 1;
      if (a < b) out.delete(a, b);
    }
    const at = Math.max(from, steps[0]!.pos + 2);
    insert(out, at);
    return out;
  };
  let out = build((t, at) => {
    if (slice.size > 0) t.replace(at, at, slice);
  });
  if (!sameSkeleton(state.doc, out.doc)) {
    // What was pasted holds steps or headings of its own: its text goes in instead.
    const text = slice.content.textBetween(0, slice.content.size, " ", " ");
    out = build((t, at) => {
      if (text) t.insertText(text, at);
    });
  }
  if (!sameSkeleton(state.doc, out.doc)) return null;
  const caret = out.mapping.map(Math.max(from, steps[0]!.pos + 2), 1);
  out.setSelection(TextSelection.near(out.doc.resolve(Math.min(caret, out.doc.content.size))));
  return out;
}

/**
 * Keeps the writer's edits inside steps and lets none be lost without a word: an edit across steps
 * (a deletion, Ctrl+A and typing, a paste over several steps) is made step by step, keeping every step
 * and heading; an edit of the step the model writes goes in when the window lets it (it pauses the
 * model first), otherwise it is dropped and the window says why, at the cursor.
 */
export function streamGuardPlugin(hooks: () => GuardHooks | null = () => null): Plugin {
  let view: EditorView | null = null;
  return new Plugin({
    key: new PluginKey("streamGuard"),
    view(v) {
      view = v;
      return { destroy: () => (view = null) };
    },
    filterTransaction(tr, state) {
      if (!tr.docChanged || tr.getMeta(STREAM_META)) return true;
      const before = state.doc;
      const after = tr.doc;
      const where = state.selection.from;
      if (sameSkeleton(before, after)) {
        for (let i = 0; i < before.childCount; i++) {
          const old = before.child(i);
          if (!isLockedStatus(old.attrs.status) || after.child(i) === old) continue;
          if (!(hooks()?.lockedEdit(old.attrs.stepId as string, false, where) ?? false)) return false;
        }
        return true;
      }
      // The edit would join, split, add or remove steps: it is made step by step instead.
      const replacement = acrossSteps(state, tr);
      if (!replacement) {
        hooks()?.refused("shape", where);
        return false;
      }
      const locked = new Set<string>();
      for (let i = 0; i < before.childCount; i++) {
        const old = before.child(i);
        if (isLockedStatus(old.attrs.status) && replacement.doc.child(i) !== old) locked.add(old.attrs.stepId as string);
      }
      for (const stepId of locked) if (!(hooks()?.lockedEdit(stepId, true, where) ?? false)) return false;
      const target = view;
      queueMicrotask(() => {
        if (target && target.state === state) target.dispatch(replacement);
      });
      return false;
    },
  });
}

/** The stream guard as an editor extension; the window sets `storage.hooks`. */
export const StreamGuard = Extension.create<Record<string, never>, { hooks: GuardHooks | null }>({
  name: "streamGuard",
  addStorage() {
    return { hooks: null };
  },
  addProseMirrorPlugins() {
    const storage = this.storage;
    return [streamGuardPlugin(() => storage.hooks)];
  },
});
