import { Node } from "@tiptap/core";
import type { Node as PmNode } from "@tiptap/pm/model";
import { TextSelection } from "@tiptap/pm/state";
import type { StepStatus } from "../../../../electron/common/manuscript";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    stepBlock: {
      /** Brings a step's text into view and puts the cursor at its start. */
      focusStep: (stepId: string) => ReturnType;
    };
  }
}

/** Where a step's block is in the draft, if it is there. */
export function findStepBlock(doc: PmNode, stepId: string): { pos: number; node: PmNode; index: number } | null {
  let found: { pos: number; node: PmNode; index: number } | null = null;
  doc.forEach((node, pos, index) => {
    if (!found && node.type.name === "stepBlock" && node.attrs.stepId === stepId) found = { pos, node, index };
  });
  return found;
}

/** True while the model writes the step: the writer's edits wait until it is done. */
export const isLockedStatus = (status: unknown) => status === "planned" || status === "writing";

/**
 * The text of one step: a block that knows its step (`stepId`), so the writer's edits go back to
 * that step and the model's text streams into it. `status` mirrors the step's (planned, writing,
 * done, edited) for the styles and the stream guard. Isolating: editing commands never join two
 * steps or carry text across a step's edge.
 */
export const StepBlock = Node.create({
  name: "stepBlock",
  group: "draftBlock",
  content: "block+",
  isolating: true,
  defining: true,
  draggable: false,
  addAttributes() {
    return {
      stepId: { default: null, parseHTML: (el) => el.getAttribute("data-step-id"), renderHTML: (a) => ({ "data-step-id": a.stepId }) },
      status: {
        default: "done" satisfies StepStatus,
        parseHTML: (el) => el.getAttribute("data-status") ?? "done",
        renderHTML: (a) => ({ "data-status": a.status }),
      },
    };
  },
  parseHTML() {
    return [{ tag: "section[data-step-id]" }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["section", { ...HTMLAttributes, class: "step-block" }, 0];
  },
  addCommands() {
    return {
      focusStep:
        (stepId) =>
        ({ state, tr, dispatch, view }) => {
          const block = findStepBlock(state.doc, stepId);
          if (!block) return false;
          if (dispatch) {
            tr.setSelection(TextSelection.near(tr.doc.resolve(block.pos + 1)));
            const dom = view.nodeDOM(block.pos);
            if (dom instanceof HTMLElement) dom.scrollIntoView({ block: "start" });
          }
          return true;
        },
    };
  },
});
