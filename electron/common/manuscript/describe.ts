// A writer's edit in a line of the timeline ("Section s2: budget 800"), said when the model takes it in.
import type { ManuscriptEdit } from "./edits";

/** What an edit changes, in a line. */
export function describeEdit(edit: ManuscriptEdit): string {
  switch (edit.type) {
    case "editSection":
      return `Section ${edit.sectionId}: ${[edit.title !== undefined ? "title" : "", edit.brief !== undefined ? "brief" : "", edit.budget !== undefined ? `budget ${edit.budget}` : ""].filter(Boolean).join(", ")}`;
    case "addSection":
      return `New section "${edit.title}" (${edit.budget} words)`;
    case "removeSection":
      return `Section ${edit.sectionId} removed`;
    case "moveSection":
      return `Section ${edit.sectionId} moved to position ${edit.toIndex + 1}`;
    case "editStep":
      return `Step ${edit.stepId}: ${edit.content !== undefined ? "text" : "plan"} edited`;
    case "setTarget":
      return `Target: ${edit.targetWords ?? "none"} words`;
    case "setVoice":
      return `Voice sample ${edit.sectionId === null ? "of the document" : `of section ${edit.sectionId}`} ${edit.sample.trim() ? "set" : "removed"}`;
    case "addEntry":
      return `Bible: new entry "${edit.entry.name}"`;
    case "editEntry":
      return `Bible: ${edit.entryId} edited`;
    case "removeEntry":
      return `Bible: ${edit.entryId} removed`;
    case "acceptProposal":
      return `Bible: proposal ${edit.proposalId} accepted`;
    case "dismissProposal":
      return `Bible: proposal ${edit.proposalId} dismissed`;
    case "setSummary":
      return `Step ${edit.stepId}: summary ${edit.summary === null ? "cleared" : "written"}`;
    case "pinStep":
      return `Step ${edit.stepId}: ${edit.pinned ? "pinned" : "unpinned"}`;
    case "setDigest":
      return "The story so far edited";
    case "setBibleBudget":
      return `Bible budget: ${edit.tokens} tokens`;
    case "lockBudget":
      return `Section ${edit.sectionId}: budget ${edit.locked ? "locked" : "unlocked"}`;
    default:
      return edit satisfies never;
  }
}
