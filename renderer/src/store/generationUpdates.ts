// Folding the back end's coalesced `generation.update` patches into the renderer's copy of the
// manuscript. Pure: a step the update does not name keeps its object, so a component that shows one
// step re-renders only when that step changed.
import type { GenerationUpdate } from "../../../electron/common/api";
import { extractPlan } from "../../../electron/common/iscot/plan";
import type { Manuscript, Section } from "../../../electron/common/manuscript";
import { renderPlan } from "../../../electron/common/iscot/plan";
import { effectiveLanguage, revisionPosition } from "../../../electron/common/manuscript";

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
  if (update.sections) next = withSections(next, update.sections);
  if (update.planDraftText !== undefined) {
    const text = update.planDraftText;
    if (text === null ? next.planDraft !== null : next.planDraft?.text !== text) {
      next = { ...next, planDraft: text === null ? null : { text, sections: extractPlan(text).sections } };
    }
  }
  if (update.finished !== next.finished) next = { ...next, finished: update.finished };
  const target = update.state.progress.target;
  if (target !== next.targetWords && (target === null || target > 0)) next = { ...next, targetWords: target };
  return { manuscript: next, outOfSync };
}

function sameSections(a: ReadonlyArray<Section>, b: ReadonlyArray<Section>): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.title === b[i]!.title && s.brief === b[i]!.brief && s.budget === b[i]!.budget);
}

/**
 * The manuscript with the back end's current sections. They are recorded as a plan revision too, so
 * that an edit made here before the back end answers numbers a new section as the back end will.
 */
export function withSections(m: Manuscript, sections: Section[]): Manuscript {
  if (sameSections(m.sections, sections)) return m;
  const last = m.revisions[m.revisions.length - 1];
  let highest = (last?.nextSectionNumber ?? 1) - 1;
  for (const s of sections) {
    const n = /^sec-(\d+)$/.exec(s.id);
    if (n) highest = Math.max(highest, Number(n[1]));
  }
  const revision = { afterStep: revisionPosition(m), text: renderPlan(sections, effectiveLanguage(m)), sections, nextSectionNumber: highest + 1 };
  return { ...m, sections, revisions: [...m.revisions, revision] };
}
