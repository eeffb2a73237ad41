// Pure functions from the store's state to what a component shows. A streaming token changes one
// step object; components select that step (or a number) so that only what shows it re-renders.
// Derived collections are cached per manuscript object, so selecting them is stable between frames
// that did not change the manuscript.
import type { Manuscript, Section, Step } from "../../../electron/common/manuscript";
import { acceptanceRate } from "../../../electron/common/engine/draft";
import { budgetChange, stepBudget, type BudgetChange } from "../../../electron/common/generation/rules";
import { lengthScore } from "../../../electron/common/metrics/score";
import { translator, type Translate, type UiLanguage } from "../i18n";
import { isGenerationActive, isTargetPending, type EditTarget } from "./pendingEdits";
import type { Store } from "./store";

/** A section's figures: the words its steps wrote, and which steps they are (indices, in order). */
export interface SectionFigures {
  words: number;
  steps: number[];
}

export interface ManuscriptFigures {
  bySection: Map<string, SectionFigures>;
  /** Steps the plan has no section for. */
  unassigned: number[];
  totalWords: number;
  /** Ids of sections some step writes: they cannot be moved or removed. */
  written: Set<string>;
  /** The words the document would have if every section reached at least its budget. */
  projectedWords: number;
  /** The document's total after each step (what a reflection's reported count is compared with). */
  totalAfter: number[];
}

const figuresCache = new WeakMap<Manuscript, ManuscriptFigures>();

function figuresOf(m: Manuscript): ManuscriptFigures {
  const cached = figuresCache.get(m);
  if (cached) return cached;
  const bySection = new Map<string, SectionFigures>();
  for (const s of m.sections) bySection.set(s.id, { words: 0, steps: [] });
  const unassigned: number[] = [];
  const written = new Set<string>();
  let totalWords = 0;
  let unassignedWords = 0;
  const totalAfter: number[] = [];
  m.steps.forEach((step, i) => {
    totalWords += step.words;
    totalAfter.push(totalWords);
    const figures = step.sectionId === null ? undefined : bySection.get(step.sectionId);
    if (figures) {
      figures.words += step.words;
      figures.steps.push(i);
      written.add(step.sectionId!);
    } else {
      unassigned.push(i);
      unassignedWords += step.words;
    }
  });
  let projectedWords = unassignedWords;
  for (const s of m.sections) projectedWords += Math.max(s.budget, bySection.get(s.id)!.words);
  const result = { bySection, unassigned, totalWords, written, projectedWords, totalAfter };
  figuresCache.set(m, result);
  return result;
}

const budgetsCache = new WeakMap<Manuscript, (number | null)[]>();

/**
 * Each step's budget: the words its own plan asked for, else what the controller bounds it by (what is
 * left of its section's budget, or a share of the target: the rules' stepBudget). Null: nothing bounds it.
 */
function stepBudgetsOf(m: Manuscript): (number | null)[] {
  const cached = budgetsCache.get(m);
  if (cached) return cached;
  const budgets = m.steps.map((step, i) => step.targetWords ?? stepBudget(m, i));
  budgetsCache.set(m, budgets);
  return budgets;
}

const noSteps: number[] = [];
const NONE: readonly string[] = [];

export const manuscriptSelectors = {
  manuscript: (s: Store): Manuscript | null => s.manuscript,
  figures: (s: Store): ManuscriptFigures | null => (s.manuscript ? figuresOf(s.manuscript) : null),
  step: (index: number) => (s: Store): Step | undefined => s.manuscript?.steps[index],
  stepCount: (s: Store): number => s.manuscript?.steps.length ?? 0,
  sections: (s: Store): Section[] => s.manuscript?.sections ?? [],
  section: (sectionId: string) => (s: Store): Section | undefined => s.manuscript?.sections.find((x) => x.id === sectionId),
  sectionWords: (sectionId: string) => (s: Store): number => (s.manuscript ? (figuresOf(s.manuscript).bySection.get(sectionId)?.words ?? 0) : 0),
  /** The step indices of a section (compare with shallow equality). */
  sectionSteps: (sectionId: string) => (s: Store): number[] => (s.manuscript ? (figuresOf(s.manuscript).bySection.get(sectionId)?.steps ?? noSteps) : noSteps),
  unassignedSteps: (s: Store): number[] => (s.manuscript ? figuresOf(s.manuscript).unassigned : noSteps),
  isSectionWritten: (sectionId: string) => (s: Store): boolean => (s.manuscript ? figuresOf(s.manuscript).written.has(sectionId) : false),
  /** The document's exact total once step `index` is written. */
  totalAfterStep: (index: number) => (s: Store): number => (s.manuscript ? (figuresOf(s.manuscript).totalAfter[index] ?? 0) : 0),
  /** The words step `index` is bounded by (its plan's, else its section's share): see stepBudgetsOf. */
  stepBudget: (index: number) => (s: Store): number | null => (s.manuscript ? (stepBudgetsOf(s.manuscript)[index] ?? null) : null),
  totalWords: (s: Store): number => (s.manuscript ? figuresOf(s.manuscript).totalWords : 0),
  target: (s: Store): number | null => s.manuscript?.targetWords ?? null,
  plannedWords: (s: Store): number => (s.manuscript?.sections ?? []).reduce((sum, x) => sum + x.budget, 0),
  /**
   * The length score the document is heading for: the controller's figure while it writes, else the
   * score of the words it would have once every section reached its budget.
   */
  projectedScore: (s: Store): number | null => {
    const m = s.manuscript;
    if (!m || m.targetWords === null || m.targetWords <= 0) return null;
    const fromController = s.generation?.progress.projectedScore;
    if (fromController !== undefined && fromController !== null && isGenerationActive(s.generation?.status)) return fromController;
    if (m.sections.length === 0 && m.steps.length === 0) return null;
    return lengthScore(m.targetWords, figuresOf(m).projectedWords);
  },
  isPending: (target: EditTarget) => (s: Store): boolean => isTargetPending(s.localEdits, target),
  /** The writer locked the section's budget: rebalancing keeps it. */
  isBudgetLocked: (sectionId: string) => (s: Store): boolean => s.manuscript?.memory.lockedSections.includes(sectionId) ?? false,
  /**
   * The controller's rebalancing of the section's budget while it stands (the same object for the same
   * plan revisions): null once the writer set the budget, or when the budget shown is not the one the
   * controller set (an edit on its way).
   */
  budgetChange: (sectionId: string) => (s: Store): BudgetChange | null => {
    const m = s.manuscript;
    if (!m) return null;
    let bySection = budgetChanges.get(m.revisions);
    if (!bySection) budgetChanges.set(m.revisions, (bySection = new Map()));
    if (!bySection.has(sectionId)) bySection.set(sectionId, budgetChange(m.revisions, sectionId));
    const change = bySection.get(sectionId)!;
    return change && m.sections.find((x) => x.id === sectionId)?.budget === change.to ? change : null;
  },
};

/** Each revision list's budget changes by section, computed once (a selector must return the same object). */
const budgetChanges = new WeakMap<Manuscript["revisions"], Map<string, BudgetChange | null>>();

export const generationSelectors = {
  status: (s: Store) => s.generation?.status ?? "idle",
  isActive: (s: Store) => isGenerationActive(s.generation?.status),
  /** The step the model writes now, or null. */
  currentStep: (s: Store): number | null => (isGenerationActive(s.generation?.status) ? (s.generation?.progress.currentStep ?? null) : null),
  /** The steps being written again and not written yet (the live one included), by id. */
  replacing: (s: Store): readonly string[] => (isGenerationActive(s.generation?.status) ? (s.generation?.replacing ?? NONE) : NONE),
  canGenerate: (s: Store) => s.document !== null && !isGenerationActive(s.generation?.status) && modelsSelectors.isReady(s) && !(s.manuscript?.finished ?? false),
  canPause: (s: Store) => s.generation?.status === "writing",
  canResume: (s: Store) => s.generation?.status === "paused",
  canStop: (s: Store) => {
    const status = s.generation?.status;
    return status === "writing" || status === "paused" || status === "pausing" || status === "loading";
  },
  /** Regenerating or continuing needs the model loaded and no generation under way. */
  canRewrite: (s: Store) => s.document !== null && !isGenerationActive(s.generation?.status) && modelsSelectors.isReady(s),
  tokensPerSecond: (s: Store) => s.generation?.progress.tokensPerSecond ?? 0,
  /** With a draft model: the share of its tokens accepted, 0..100 (rounded), or null. */
  draftAcceptance: (s: Store) => {
    const rate = acceptanceRate(s.generation?.progress.speculative);
    return rate === undefined ? null : Math.round(rate * 100);
  },
  elapsedMs: (s: Store) => s.generation?.progress.elapsedMs ?? 0,
  phase: (s: Store) => s.generation?.progress.phase ?? "none",
  error: (s: Store) => (s.generation?.status === "error" ? s.generation.error : null),
};

export const modelsSelectors = {
  isReady: (s: Store) => s.engine?.status === "ready",
  isLoading: (s: Store) => s.engine?.status === "loading",
  modelName: (s: Store) => s.engine?.model?.name ?? null,
  device: (s: Store) => s.engine?.device ?? null,
  profile: (s: Store) => s.engine?.profile ?? null,
};

const translators = new Map<UiLanguage, Translate>();

export const uiSelectors = {
  language: (s: Store): UiLanguage => (s.languageChoice === "auto" ? s.browserLanguage : s.languageChoice),
  /** The translate function of the interface language (the same function while the language stays). */
  t: (s: Store): Translate => {
    const language = uiSelectors.language(s);
    let t = translators.get(language);
    if (!t) {
      t = translator(language);
      translators.set(language, t);
    }
    return t;
  },
  isStepFocused: (stepId: string) => (s: Store) => s.focus.stepId === stepId,
  isSectionFocused: (sectionId: string) => (s: Store) => s.focus.sectionId === sectionId,
};
