// Folding the back end's coalesced `generation.update` patches into the renderer's copy of the
// manuscript. Pure: a step the update does not name keeps its object, so a component that shows one
// step re-renders only when that step changed.
import type { GenerationUpdate } from "../../../electron/common/api";
import { extractPlan } from "../../../electron/common/iscot/plan";
import type { Manuscript, Section, Step } from "../../../electron/common/manuscript";

/**
 * Two updates of one project as one: the later one's state, plan and step count, the steps of both
 * (the later one's where both name a step), less the earlier one's steps that the later one cut off.
 */
export function mergeGenerationUpdates(earlier: GenerationUpdate, later: GenerationUpdate): GenerationUpdate {
  const byIndex = new Map<number, GenerationUpdate["steps"][number]>();
  for (const s of earlier.steps) if (s.index < later.stepCount) byIndex.set(s.index, s);
  for (const s of later.steps) byIndex.set(s.index, s);
  return {
    ...later,
    steps: [...byIndex.values()].sort((a, b) => a.index - b.index),
    sections: later.sections ?? earlier.sections,
    revisions: later.revisions ?? earlier.revisions,
    memory: later.memory ?? earlier.memory,
    modified: later.modified ?? earlier.modified,
    planDraftText: later.planDraftText !== undefined ? later.planDraftText : earlier.planDraftText,
  };
}

/** The outcome of applying an update: the manuscript, and whether the update skipped steps this copy lacks. */
export interface AppliedUpdate {
  manuscript: Manuscript;
  /** True when the update named a step beyond the ones this copy has: it missed an update and must reload. */
  outOfSync: boolean;
}

/** Applies one update to the renderer's manuscript, keeping every object that did not change. */
export function applyGenerationUpdate(m: Manuscript, update: GenerationUpdate): AppliedUpdate {
  let outOfSync = false;
  let steps = m.steps;
  if (update.steps.length > 0 || steps.length > update.stepCount) {
    const next = steps.slice(0, Math.min(steps.length, update.stepCount));
    for (const { index, step } of update.steps) {
      if (index >= update.stepCount) continue;
      if (index > next.length) {
        outOfSync = true;
        continue;
      }
      next[index] = step;
    }
    steps = next;
  }
  if (steps.length < update.stepCount) outOfSync = true;

  let next: Manuscript = steps === m.steps ? m : { ...m, steps };
  // The back end's plan: its sections, and its revisions, which number the next new section.
  if (update.sections && !sameSections(next.sections, update.sections)) next = { ...next, sections: update.sections };
  if (update.revisions && !sameRevisions(next.revisions, update.revisions)) next = { ...next, revisions: update.revisions };
  if (update.planDraftText !== undefined) {
    const text = update.planDraftText;
    if (text === null ? next.planDraft !== null : next.planDraft?.text !== text) {
      next = { ...next, planDraft: text === null ? null : { text, sections: extractPlan(text).sections } };
    }
  }
  if (update.memory && !sameMemory(next.memory, update.memory)) next = { ...next, memory: update.memory };
  if (update.finished !== next.finished) next = { ...next, finished: update.finished };
  const target = update.state.progress.target;
  if (target !== next.targetWords && (target === null || target > 0)) next = { ...next, targetWords: target };
  return { manuscript: next, outOfSync };
}

function sameSections(a: ReadonlyArray<Section>, b: ReadonlyArray<Section>): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.title === b[i]!.title && s.brief === b[i]!.brief && s.budget === b[i]!.budget);
}

function sameRevisions(a: Manuscript["revisions"], b: Manuscript["revisions"]): boolean {
  return a.length === b.length && a.every((r, i) => r.text === b[i]!.text && r.afterStep === b[i]!.afterStep && r.nextSectionNumber === b[i]!.nextSectionNumber && r.cause === b[i]!.cause && r.reason === b[i]!.reason && sameSections(r.sections, b[i]!.sections));
}

/** Story memories compared by value (a bible is small next to the text). */
function sameMemory(a: Manuscript["memory"], b: Manuscript["memory"]): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function sameStep(a: Step, b: Step): boolean {
  return (
    a.id === b.id &&
    a.sectionId === b.sectionId &&
    a.plan === b.plan &&
    a.planComplete === b.planComplete &&
    a.targetWords === b.targetWords &&
    a.content === b.content &&
    a.reflection === b.reflection &&
    a.words === b.words &&
    a.status === b.status &&
    a.progress?.written === b.progress?.written &&
    a.progress?.target === b.progress?.target &&
    a.progress?.phrase === b.progress?.phrase &&
    (a.memory === b.memory || JSON.stringify(a.memory) === JSON.stringify(b.memory))
  );
}

/**
 * A manuscript the back end sent whole (the answer to an edit), keeping this copy's objects where
 * nothing changed: the components of unchanged steps and sections do not render again.
 */
export function reconcileManuscript(current: Manuscript, next: Manuscript): Manuscript {
  let changed = false;
  const steps = next.steps.map((step, i) => {
    const old = current.steps[i];
    if (old && sameStep(old, step)) return old;
    changed = true;
    return step;
  });
  if (steps.length !== current.steps.length) changed = true;
  const keepSections = sameSections(current.sections, next.sections);
  const keepRevisions = sameRevisions(current.revisions, next.revisions);
  const keepDraft = current.planDraft?.text === next.planDraft?.text;
  const keepMemory = sameMemory(current.memory, next.memory);
  const sameFields = current.targetWords === next.targetWords && current.finished === next.finished && current.instruction === next.instruction && current.language === next.language;
  // The voice samples are small: compared whole.
  const keepVoice = JSON.stringify(current.voice ?? null) === JSON.stringify(next.voice ?? null);
  if (!changed && keepSections && keepRevisions && keepDraft && keepMemory && sameFields && keepVoice) return current;
  const sections = keepSections ? current.sections : next.sections;
  const revisions = keepRevisions ? current.revisions : next.revisions;
  const planDraft = keepDraft ? current.planDraft : next.planDraft;
  const memory = keepMemory ? current.memory : next.memory;
  const { voice: _theirs, ...rest } = next;
  const voice = keepVoice ? current.voice : next.voice;
  return { ...rest, ...(voice ? { voice } : {}), steps, sections, revisions, planDraft, memory };
}
