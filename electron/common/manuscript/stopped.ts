// A step cut short is unfinished, not done. When the writer stops the model (or the run fails, or the
// app dies) in the middle of a step, the step keeps its words as "stopped"; the next run continues it
// within its budget before it writes anything new, and the document is not finished while a step is
// stopped; a planned section the target left no room for is left out of the plan, and the writer told.
import { reportedProgress, stepTargetWords } from "../iscot/budget";
import { unwrittenSections } from "../generation/rules";
import { countWriterWords } from "../metrics/words";
import { isInProgress } from "./reducer";
import { applyEdit } from "./edits";
import { assignSection } from "./sections";
import type { Manuscript, Step } from "./types";

/**
 * Cuts the step in progress where it stands. A step with text becomes "stopped" (its plan closed, so it
 * has its section); a step already in its reflection (`reflectionCloses`: its text was complete) is
 * done; a step with no text yet is removed. A manuscript with no step in progress comes back as it is.
 */
export function stopStepInProgress(m: Manuscript, options: { reflectionCloses?: boolean; keepEmpty?: boolean } = {}): Manuscript {
  const index = m.steps.length - 1;
  const step = m.steps[index];
  if (!step || !isInProgress(step)) return m;
  const content = step.content.trim();
  if (content === "" && !options.keepEmpty) return { ...m, steps: m.steps.slice(0, index) };
  const plan = step.plan.trim();
  const closedPlan: Step = step.planComplete
    ? step
    : { ...step, plan, planComplete: true, targetWords: stepTargetWords(plan), sectionId: assignSection(m.sections, m.steps.slice(0, index), plan) };
  const reflection = step.reflection.trim();
  const cut: Step =
    options.reflectionCloses && reflection !== ""
      ? { ...closedPlan, content, words: countWriterWords(content), reflection, progress: reportedProgress(reflection), status: "done" }
      : { ...closedPlan, content, words: countWriterWords(content), reflection: "", progress: null, status: "stopped" };
  const steps = m.steps.slice();
  steps[index] = cut;
  return { ...m, steps, finished: false };
}

/** The first stopped step (the next run continues it first), or -1. */
export function firstStoppedStep(m: Pick<Manuscript, "steps">): number {
  return m.steps.findIndex((s) => s.status === "stopped");
}

// One rule for "a planned section unwritten" (generation/rules.ts): the controller's and this one.
export { unwrittenSections };

/** Why the document may not be called finished yet, or null: a step stopped before its end. */
export function finishBlocker(m: Pick<Manuscript, "steps">): string | null {
  const stopped = firstStoppedStep(m);
  return stopped >= 0 ? `Step ${stopped + 1} was stopped before its end: Generate continues it.` : null;
}

/**
 * A document that reached its target before some planned sections had a word: those sections are
 * left out of the plan (their budget set to 0, so nothing planned is unwritten), and the writer is
 * told which and how to have them written. Null when every planned section has words.
 */
export function leaveOutUnwritten(m: Manuscript): { manuscript: Manuscript; note: string } | null {
  const unwritten = unwrittenSections(m);
  if (unwritten.length === 0) return null;
  let next = m;
  for (const section of unwritten) {
    const result = applyEdit(next, { type: "editSection", sectionId: section.id, budget: 0 });
    if (result.ok) next = result.manuscript;
  }
  const one = unwritten.length === 1;
  const names = unwritten.map((s) => `"${s.title}"`).join(", ");
  return {
    manuscript: next,
    note: `The target was reached before ${one ? "the section" : "the sections"} ${names}: ${one ? "it is" : "they are"} left out of the plan (budget 0). Give ${one ? "it" : "them"} a budget and Generate to write ${one ? "it" : "them"}.`,
  };
}
