import { Extension } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { isLockedStatus } from "./stepBlock";

/** Marks a transaction as the model's text (or the draft following the manuscript), not the writer's. */
export const STREAM_META = "draftline.stream";

const sameSkeleton = (a: PmNode, b: PmNode) => {
  if (a.childCount !== b.childCount) return false;
  for (let i = 0; i < a.childCount; i++) {
    const x = a.child(i);
    const y = b.child(i);
    if (x.type !== y.type || x.attrs.stepId !== y.attrs.stepId || x.attrs.sectionId !== y.attrs.sectionId || x.attrs.status !== y.attrs.status) return false;
  }
  return true;
};

/**
 * Keeps the writer's edits inside steps: an edit that would add, remove, merge or split a step or a
 * heading is dropped (the draft's shape follows the plan), and so is an edit to a step the model is
 * writing (its text would be overwritten by the next tokens).
 */
export function streamGuardPlugin(): Plugin {
  return new Plugin({
    key: new PluginKey("streamGuard"),
    filterTransaction(tr, state) {
      if (!tr.docChanged || tr.getMeta(STREAM_META)) return true;
      const before = state.doc;
      const after = tr.doc;
      if (!sameSkeleton(before, after)) return false;
      for (let i = 0; i < before.childCount; i++) {
        const old = before.child(i);
        if (isLockedStatus(old.attrs.status) && after.child(i) !== old) return false;
      }
      return true;
    },
  });
}

/** The stream guard as an editor extension. */
export const StreamGuard = Extension.create({
  name: "streamGuard",
  addProseMirrorPlugins() {
    return [streamGuardPlugin()];
  },
});
