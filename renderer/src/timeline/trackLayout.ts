// The budget track: one block per section of the global plan, as wide as its budget, filled by the
// words its steps wrote, with a tick where each step ends, a marker where the model reflected (its
// reported count beside the exact one) and the live position while it writes. Pure layout in
// fractions; the component turns them into widths.
import type { Manuscript } from "../../../electron/common/manuscript";

export interface TrackMarker {
  stepIndex: number;
  /** Where the step ends, as a fraction of its block. */
  at: number;
  /** The total the model reported in its reflection, and the exact total at that point. */
  reported: number;
  counted: number;
}

export interface TrackBlock {
  /** null for the steps outside the plan, or for a section of a plan still being written. */
  sectionId: string | null;
  title: string;
  budget: number;
  words: number;
  /** Share of the track's width (the blocks' shares add up to 1). */
  share: number;
  /** Share of the block filled by words (0..1). */
  fill: number;
  /** Words beyond the budget. */
  overflow: number;
  /** Where each step of the block ends, as fractions of the block. */
  ticks: number[];
  markers: TrackMarker[];
  /** Where the model writes now, as a fraction of the block; null when it writes elsewhere. */
  live: number | null;
  /** True for a section of a global plan the model is still writing. */
  drafting: boolean;
}

/** The track for a manuscript; `currentStep` is the step the model writes now (or null). */
export function trackLayout(m: Manuscript, currentStep: number | null): TrackBlock[] {
  if (m.sections.length === 0 && m.planDraft) {
    const drafts = m.planDraft.sections;
    const total = drafts.reduce((sum, s) => sum + Math.max(1, s.budget), 0);
    return drafts.map((s) => ({ sectionId: null, title: s.title, budget: s.budget, words: 0, share: Math.max(1, s.budget) / total, fill: 0, overflow: 0, ticks: [], markers: [], live: null, drafting: true }));
  }
  const bySection = new Map<string | null, number[]>();
  m.steps.forEach((step, i) => {
    const key = step.sectionId !== null && m.sections.some((s) => s.id === step.sectionId) ? step.sectionId : null;
    const list = bySection.get(key) ?? [];
    list.push(i);
    bySection.set(key, list);
  });
  // The exact total after each step, for the reflection markers.
  const totals: number[] = [];
  let running = 0;
  for (const step of m.steps) totals.push((running += step.words));

  const groups = m.sections.map((s) => ({ sectionId: s.id as string | null, title: s.title, budget: s.budget, steps: bySection.get(s.id) ?? [] }));
  const outside = bySection.get(null);
  if (outside) groups.push({ sectionId: null, title: "", budget: 0, steps: outside });

  const sized = groups.map((g) => {
    const words = g.steps.reduce((sum, i) => sum + m.steps[i]!.words, 0);
    return { ...g, words, size: g.budget > 0 ? g.budget : Math.max(words, 1) };
  });
  const scale = sized.reduce((sum, g) => sum + g.size, 0) || 1;
  return sized.map((g) => {
    const ticks: number[] = [];
    const markers: TrackMarker[] = [];
    let live: number | null = null;
    let cumulative = 0;
    for (const i of g.steps) {
      const step = m.steps[i]!;
      cumulative += step.words;
      const at = Math.min(1, cumulative / g.size);
      if (i === currentStep) live = at;
      else ticks.push(at);
      if (step.progress) markers.push({ stepIndex: i, at, reported: step.progress.written, counted: totals[i]! });
    }
    return {
      sectionId: g.sectionId,
      title: g.title,
      budget: g.budget,
      words: g.words,
      share: g.size / scale,
      fill: Math.min(1, g.words / g.size),
      overflow: g.budget > 0 ? Math.max(0, g.words - g.budget) : 0,
      ticks,
      markers,
      live,
      drafting: false,
    };
  });
}
