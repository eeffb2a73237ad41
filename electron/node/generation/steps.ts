// What the modes that write step by step share (IS-CoT, orchestrated, AgentWrite): the step limit,
// the room a segment needs, the watch over a step's content with the marks its trim goes back to, the
// writer's text edits at a boundary, and a plan the controller can steer by.
import { budgetFloor, normalizedBudgets, onlyFloorsLeft, sectionWords, stepBudget, unfinishedSections, unwrittenSections, writtenWords } from "../../common/generation/rules";
import { renderPlan } from "../../common/iscot/plan";
import { isPlanEdit, type ManuscriptEdit } from "../../common/manuscript/edits";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { Manuscript, Section, Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import type { SegmentGuard, Verdict } from "./guard";
import type { SegmentWatch, WritingSession } from "./session";

/** Why a step-by-step run stops before its next step: the step limit, `maxSteps` or more for a long target. */
export function stepLimitReached(s: WritingSession): string | null {
  const m = s.manuscript;
  const limit = m.targetWords === null ? s.limits.maxSteps : Math.max(s.limits.maxSteps, Math.ceil(m.targetWords / s.limits.stepWords));
  if (m.steps.length >= limit) return `Stopped at the limit of ${limit} steps (${writtenWords(m)} words).`;
  // A model that only tells again what it wrote (each step cut back to nothing) makes no headway.
  const last = m.steps.slice(-EMPTY_STEPS);
  if (last.length === EMPTY_STEPS && last.every((step) => step.words === 0)) {
    return `Stopped at ${writtenWords(m)} words: the model wrote nothing new in ${EMPTY_STEPS} steps in a row (it told again what was written). A higher temperature or a presence penalty may help, or another mode.`;
  }
  return null;
}

/** Steps in a row without a word that stop a run. */
const EMPTY_STEPS = 3;

/** The note when a step-by-step model ends short: its ending is dropped and it plans another step. */
export function plansAnotherStep(words: number, target: number | null): string {
  return `The model ended at ${words} of ${target} words: its ending was removed and it plans another step.`;
}

/** What a step's text leaves free for the reflection that follows it (half its limit), so the reflection is not written after a rebuild. */
export function reflectionRoom(s: WritingSession): number {
  return Math.ceil(s.limits.maxReflectionTokens / 2);
}

/**
 * Tokens to make room for before a segment: its budget at the tokens per word seen so far (2 before
 * any), with room to run past it and for its plan and reflection; never more than the hard limit.
 */
export function segmentTokens(s: WritingSession): number {
  const m = s.manuscript;
  const live = s.live?.piece;
  const budget = stepBudget(m, live?.stepIndex ?? m.steps.length) ?? 1000;
  // Tokens per word as the context holds them: the full step pieces against their words.
  let tokens = 0;
  let words = 0;
  for (const piece of s.context.pieces) {
    const step = piece.kind === "step" && piece.stepIndex !== undefined ? m.steps[piece.stepIndex] : undefined;
    if (step && piece !== live) {
      tokens += piece.tokens.length;
      words += step.words;
    }
  }
  const perWord = words > 50 ? Math.min(8, tokens / words) : 2;
  return Math.min(s.limits.maxTokensPerSegment, Math.ceil(budget * 1.7 * perWord) + s.limits.maxReflectionTokens + 128);
}

/** The number of the step being written (1-based), for the writer's notes. */
export function currentStepNumber(s: WritingSession): number {
  return (s.live?.piece.stepIndex ?? s.manuscript.steps.length - 1) + 1;
}

/**
 * The section the next step writes: the first whose budget is not filled, else the last; once only the
 * floors of the unwritten sections are left of the target, the first unwritten one (the plan is written
 * to its end, not a section in part written topped up a few words at a time).
 */
export function nextSection(m: Manuscript): Section | undefined {
  if (onlyFloorsLeft(m)) return unwrittenSections(m)[0];
  return unfinishedSections(m)[0] ?? m.sections[m.sections.length - 1];
}

/**
 * The words step `index` is asked for: `left` of its section's budget (else its step budget), never
 * past the target, except that a section nobody has written yet gets at least its floor.
 */
export function plannedWords(m: Manuscript, index: number, left: number, section?: Section): number {
  const leftOfTarget = (m.targetWords ?? Infinity) - writtenWords(m);
  const fresh = section !== undefined && sectionWords(m, section.id) === 0;
  return Math.max(1, Math.min(left || (stepBudget(m, index) ?? 300), fresh ? Math.max(leftOfTarget, budgetFloor(m.targetWords)) : leftOfTarget));
}

/**
 * Watches the live step's content: remembers where each batch of tokens left it (a trim keeps the
 * model's own tokens up to there) and asks the guard for a verdict.
 */
export class StepWatch implements SegmentWatch {
  /** Where token batches of the live step ended: tokens of the piece and characters of its content. */
  marks: { tokens: number; content: number }[] = [];

  constructor(
    readonly guard: SegmentGuard,
    private readonly s: WritingSession,
  ) {}

  begin(): void {
    this.guard.reset();
  }

  batch(pieceTokens: number, tokens: number): Verdict | null {
    const index = this.s.live?.piece.stepIndex;
    const step = index === undefined ? undefined : this.s.manuscript.steps[index];
    if (index === undefined || !step || this.s.phase !== "content") return null;
    this.marks.push({ tokens: pieceTokens, content: step.content.length });
    return this.guard.check(this.s.manuscript, index, tokens);
  }
}

/**
 * The step boundary, for the writer's text edits: an edited step's piece is written again (only the
 * suffix from it is decoded again; a step no longer in full view is not in the context). Returns true
 * when the plan changed too (sections, budgets).
 */
export async function takeInTextEdits(s: WritingSession, edits: readonly ManuscriptEdit[], stepTokens: (step: Step) => Promise<TokenId[]>): Promise<boolean> {
  const textEdits = new Set(edits.flatMap((e) => (e.type === "editStep" ? [e.stepId] : [])));
  for (const id of textEdits) {
    const index = s.manuscript.steps.findIndex((step) => step.id === id);
    const piece = s.context.stepPiece(index);
    const step = s.manuscript.steps[index];
    if (piece && step) piece.tokens = await stepTokens(step);
  }
  return edits.some(isPlanEdit);
}

/**
 * Gives the plan sections and budgets the controller can steer by (see normalizedBudgets): a plan
 * without sections becomes one section, budgets are made to add up to the target. The new revision
 * goes to `revised` (the mode puts it in the model's view), then the writer is told why.
 */
export async function steerablePlan(s: WritingSession, revised: (text: string) => Promise<void>): Promise<void> {
  const m = s.manuscript;
  const language = s.language();
  let drafts = m.sections.map((x) => ({ title: x.title, brief: x.brief, budget: x.budget }));
  let reason: string | null = null;
  if (drafts.length === 0 && m.targetWords !== null) {
    drafts = [{ title: language === "zh" ? "正文" : "Text", brief: "", budget: 0 }];
    reason = "The plan named no sections: the document is written as one section.";
  }
  const normalized = normalizedBudgets(drafts, m.targetWords);
  if (normalized) {
    drafts = drafts.map((d, i) => ({ ...d, budget: normalized.budgets[i] ?? d.budget }));
    reason = reason ? `${reason} ${normalized.reason}` : normalized.reason;
  }
  if (!reason) return;
  const { sections, next } = matchSections(m.sections, drafts, nextSectionNumber(m));
  const text = renderPlan(drafts, language);
  s.setManuscript(withRevision(m, text, sections, next));
  await revised(text);
  s.note(reason);
}
