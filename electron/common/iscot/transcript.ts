// Manuscript -> the IS-CoT text the model reads. parseTranscript(writeTranscript(m)) gives back m (a step
// the writer edited, or one stopped before its end, comes back "done": the transcript does not say who
// wrote a text, or that a step was cut).
import type { Manuscript, Step } from "../manuscript/types";
import { BLOCK_TAGS, FINISHED_TAG, type BlockKind } from "./tags";

/** A closed block: the opening tag, the text on its own lines, the closing tag, a line end. */
export function writeBlock(block: BlockKind, text: string): string {
  return `${BLOCK_TAGS[block].open}\n${text}\n${BLOCK_TAGS[block].close}\n`;
}

/** A block left open for the model to go on writing: the opening tag and the text so far. */
export function writeOpenBlock(block: BlockKind, text: string): string {
  return `${BLOCK_TAGS[block].open}\n${text}`;
}

/** A global plan block. */
export function writeGlobalPlan(text: string): string {
  return writeBlock("global_plan", text);
}

/**
 * One step's blocks. A closed step has all three blocks (even empty ones, so it reads back closed);
 * a step in progress ends open where the model stands: in its plan, after it, or in its content or
 * reflection.
 */
export function writeStep(step: Pick<Step, "plan" | "planComplete" | "content" | "reflection" | "status">): string {
  switch (step.status) {
    case "done":
    case "edited":
    case "stopped":
      return writeBlock("step_plan", step.plan) + writeBlock("content", step.content) + writeBlock("reflection", step.reflection);
    case "planned":
      return step.planComplete ? writeBlock("step_plan", step.plan) : writeOpenBlock("step_plan", step.plan);
    case "writing":
      return step.reflection === ""
        ? writeBlock("step_plan", step.plan) + writeOpenBlock("content", step.content)
        : writeBlock("step_plan", step.plan) + writeBlock("content", step.content) + writeOpenBlock("reflection", step.reflection);
    default:
      return step.status satisfies never;
  }
}

/** The end mark. */
export function writeFinished(): string {
  return FINISHED_TAG;
}

/**
 * The whole transcript: each plan revision before the step it precedes, the steps, a plan the model is
 * still writing, and FINISHED once the model wrote it.
 */
export function writeTranscript(m: Manuscript): string {
  const parts: string[] = [];
  let r = 0;
  for (let i = 0; i <= m.steps.length; i++) {
    while (r < m.revisions.length && m.revisions[r]!.afterStep <= i) parts.push(writeGlobalPlan(m.revisions[r++]!.text));
    const step = m.steps[i];
    if (step) parts.push(writeStep(step));
  }
  while (r < m.revisions.length) parts.push(writeGlobalPlan(m.revisions[r++]!.text));
  if (m.planDraft) parts.push(writeOpenBlock("global_plan", m.planDraft.text));
  if (m.finished) parts.push(writeFinished());
  return parts.join("");
}
