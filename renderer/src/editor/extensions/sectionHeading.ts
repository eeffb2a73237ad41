import { Node } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { TextSelection } from "@tiptap/pm/state";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    sectionHeading: {
      /** Brings a section's heading into view and puts the cursor at the start of the text after it. */
      focusSection: (sectionId: string) => ReturnType;
    };
  }
}

/** Where a section's heading is in the draft, if it is there. */
export function findSectionHeading(doc: PmNode, sectionId: string): { pos: number; node: PmNode } | null {
  let found: { pos: number; node: PmNode } | null = null;
  doc.forEach((node, pos) => {
    if (!found && node.type.name === "sectionHeading" && node.attrs.sectionId === sectionId) found = { pos, node };
  });
  return found;
}

/**
 * A section's title in the draft. It shows the plan's title and is edited in the timeline, not
 * here, so it is an atom: the writer's typing never lands inside it.
 */
export const SectionHeading = Node.create({
  name: "sectionHeading",
  group: "draftBlock",
  atom: true,
  selectable: false,
  draggable: false,
  addAttributes() {
    return {
      sectionId: { default: null, parseHTML: (el) => el.getAttribute("data-section-id"), renderHTML: (a) => ({ "data-section-id": a.sectionId }) },
      title: { default: "", parseHTML: (el) => el.textContent ?? "", renderHTML: () => ({}) },
    };
  },
  parseHTML() {
    return [{ tag: "h2[data-section-id]" }];
  },
  renderHTML({ node, HTMLAttributes }) {
    return ["h2", { ...HTMLAttributes, class: "section-heading" }, String(node.attrs.title ?? "")];
  },
  addCommands() {
    return {
      focusSection:
        (sectionId) =>
        ({ state, tr, dispatch, view }) => {
          const heading = findSectionHeading(state.doc, sectionId);
          if (!heading) return false;
          if (dispatch) {
            const after = heading.pos + heading.node.nodeSize;
            if (after < state.doc.content.size) tr.setSelection(TextSelection.near(tr.doc.resolve(after + 1)));
            const dom = view.nodeDOM(heading.pos);
            if (dom instanceof HTMLElement) dom.scrollIntoView({ block: "start" });
          }
          return true;
        },
    };
  },
});
